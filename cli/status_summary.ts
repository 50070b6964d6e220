/**
 * A readable summary of a node's `GET /status` answer. Every field is optional, so the answer
 * of a Go Serverledge node (Serverledge's fields only) is summarised too.
 *
 * @module
 */

/** A function's containers, as `Pool.functions` reports them. */
export interface Occupancy {
  /** Warm idle containers. */
  idle?: number;
  /** Containers running an invocation. */
  busy?: number;
  /** Containers being started. */
  starting?: number;
  /** Memory they hold, MB. */
  memoryMB?: number;
}

/** A neighbour node, as `Neighbours` reports it. */
export interface Neighbour {
  /** Node id. */
  Id?: string;
  /** API URL. */
  Url?: string;
  /** Whether it is a cloud node. */
  Cloud?: boolean;
  /** Whether it answered lately. */
  Reachable?: boolean;
  /** Measured latency, ms. */
  LatencyMs?: number | null;
}

/** The fields of `GET /status` the summary shows (all optional: a Go node has fewer). */
export interface NodeStatus {
  /** Node id. */
  Id?: string;
  /** API URL. */
  Url?: string;
  /** Area of the node. */
  Area?: string;
  /** Whether it is a cloud node. */
  Cloud?: boolean;
  /** Scheduling policy. */
  Policy?: string;
  /** Registry kind (embedded, etcd). */
  Registry?: string;
  /** Seconds since the node started. */
  UptimeSeconds?: number;
  /** Pool memory not given to containers, MB. */
  AvailableMemMB?: number;
  /** Pool CPUs not given to containers. */
  AvailableCPUs?: number;
  /** Requests refused for lack of capacity (Serverledge's field). */
  DropCount?: number;
  /** Machine memory, MB. */
  TotalMemory?: number;
  /** Machine memory available, MB. */
  AvailableMemory?: number;
  /** Machine CPUs. */
  TotalCPU?: number;
  /** Load averages over 1, 5 and 15 minutes. */
  LoadAvg?: number[];
  /** Warm idle containers per function (Serverledge's field). */
  AvailableWarmContainers?: Record<string, number>;
  /** Busy containers per function. */
  BusyContainers?: Record<string, number>;
  /** Pool size and occupancy per function. */
  Pool?: { memoryMB?: number; cpus?: number; functions?: Record<string, Occupancy> };
  /** Number of functions defined. */
  Functions?: number;
  /** Invocation counters (`Success`, `Failure`, `Dropped`, `ColdStarts`, `Offloaded*`). */
  Invocations?: Record<string, number>;
  /** Neighbour nodes. */
  Neighbours?: Neighbour[];
}

/**
 * Summarises `status` in aligned `Label  value` lines, then a table of containers per function
 * and the neighbours when there are any.
 *
 * @example
 * ```ts
 * console.log(formatStatus(await client.get("/status") as NodeStatus));
 * ```
 */
export function formatStatus(status: NodeStatus): string {
  const rows: [string, string | undefined][] = [
    ["Node", nodeLine(status)],
    ["Policy", joined([status.Policy, status.Registry && `registry ${status.Registry}`])],
    ["Pool memory", ofTotal(status.AvailableMemMB, status.Pool?.memoryMB, "MB")],
    ["Pool CPUs", ofTotal(status.AvailableCPUs, status.Pool?.cpus, "CPUs")],
    ["Machine", machineLine(status)],
    ["Functions", status.Functions?.toString()],
    ["Invocations", invocationsLine(status)],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  const lines = shown.map(([label, value]) => label.padEnd(width) + value);
  lines.push("", ...containerTable(status));
  const neighbours = status.Neighbours ?? [];
  if (neighbours.length > 0) lines.push("", ...neighbourTable(neighbours));
  return lines.join("\n");
}

function nodeLine(status: NodeStatus): string | undefined {
  const kind = status.Cloud === undefined ? undefined : status.Cloud ? "cloud node" : "edge node";
  const details = joined([kind, status.Area && `area ${status.Area}`, uptime(status)]);
  return joined([status.Id, status.Url && `at ${status.Url}`, details && `(${details})`], " ");
}

function uptime(status: NodeStatus): string | undefined {
  const seconds = status.UptimeSeconds;
  if (seconds === undefined) return undefined;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return "up " + (h ? `${h} h ${m} min` : m ? `${m} min ${s} s` : `${s} s`);
}

function ofTotal(available?: number, total?: number, unit = ""): string | undefined {
  if (available === undefined) return undefined;
  return total === undefined
    ? `${available} ${unit} available`
    : `${available} of ${total} ${unit} available`;
}

function machineLine(status: NodeStatus): string | undefined {
  return joined([
    status.TotalMemory !== undefined
      ? `memory ${status.AvailableMemory ?? "?"} of ${status.TotalMemory} MB available`
      : undefined,
    status.TotalCPU !== undefined ? `${status.TotalCPU} CPUs` : undefined,
    status.LoadAvg ? `load ${status.LoadAvg.map((n) => n.toFixed(2)).join(" ")}` : undefined,
  ]);
}

function invocationsLine(status: NodeStatus): string | undefined {
  const counts = status.Invocations;
  const dropped = counts?.Dropped ?? status.DropCount;
  if (!counts) return dropped === undefined ? undefined : `${dropped} dropped`;
  const offloaded = (counts.OffloadedEdge ?? 0) + (counts.OffloadedCloud ?? 0);
  return joined([
    `${counts.Success ?? 0} succeeded`,
    `${counts.Failure ?? 0} failed`,
    `${dropped ?? 0} dropped`,
    plural(counts.ColdStarts ?? 0, "cold start"),
    counts.OffloadedEdge !== undefined || counts.OffloadedCloud !== undefined
      ? `${offloaded} offloaded`
      : undefined,
  ]);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function containerTable(status: NodeStatus): string[] {
  const pool = status.Pool?.functions;
  const names = [
    ...new Set([
      ...Object.keys(pool ?? {}),
      ...Object.keys(status.AvailableWarmContainers ?? {}),
      ...Object.keys(status.BusyContainers ?? {}),
    ]),
  ].sort();
  if (names.length === 0) return ["Containers: none"];
  const rows = names.map((name) => {
    const occupancy = pool?.[name];
    return [
      name,
      String(occupancy?.idle ?? status.AvailableWarmContainers?.[name] ?? 0),
      String(occupancy?.busy ?? status.BusyContainers?.[name] ?? 0),
      occupancy?.starting === undefined ? "-" : String(occupancy.starting),
      occupancy?.memoryMB === undefined ? "-" : `${occupancy.memoryMB} MB`,
    ];
  });
  return table(["FUNCTION", "WARM", "BUSY", "STARTING", "MEMORY"], rows);
}

function neighbourTable(neighbours: Neighbour[]): string[] {
  const rows = neighbours.map((n) => [
    n.Id ?? "?",
    n.Url ?? "?",
    n.Cloud ? "cloud" : "edge",
    n.Reachable === false ? "no" : "yes",
    typeof n.LatencyMs === "number" ? `${n.LatencyMs} ms` : "-",
  ]);
  return table(["NEIGHBOUR", "URL", "KIND", "REACHABLE", "LATENCY"], rows);
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 2))).join("")
  );
}

function joined(parts: (string | undefined | false | "")[], separator = ", "): string | undefined {
  const kept = parts.filter((part): part is string => typeof part === "string" && part !== "");
  return kept.length ? kept.join(separator) : undefined;
}
