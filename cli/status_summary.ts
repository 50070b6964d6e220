/**
 * A readable summary of a node's `GET /status` answer. Every field is optional, so the answer
 * of a Go Serverledge node (Serverledge's fields only) is summarised too.
 *
 * @module
 */
import type { NeighbourStatus, NodeStatus } from "../protocol/status.ts";

/** Makes every field of `T`, at every depth, optional. */
type DeepPartial<T> = T extends readonly (infer E)[] ? DeepPartial<E>[]
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T;

/** `GET /status` as the summary reads it: every field optional, as a Go node answers fewer. */
export type StatusAnswer = DeepPartial<NodeStatus>;

/**
 * Summarises `status` in aligned `Label  value` lines, then a table of containers per function
 * and the neighbours when there are any.
 *
 * @example
 * ```ts
 * import { formatStatus } from "./status_summary.ts";
 *
 * console.log(formatStatus({ Id: "edge-1", Pool: { MemoryMB: 1024 }, AvailableMemMB: 512 }));
 * ```
 */
export function formatStatus(status: StatusAnswer): string {
  const rows: [string, string | undefined][] = [
    ["Node", nodeLine(status)],
    ["Policy", joined([status.Policy, status.Registry && `registry ${status.Registry}`])],
    ["Pool memory", ofTotal(status.AvailableMemMB, status.Pool?.MemoryMB, "MB")],
    ["Pool CPUs", ofTotal(status.AvailableCPUs, status.Pool?.Cpus, "CPUs")],
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

function nodeLine(status: StatusAnswer): string | undefined {
  const kind = status.Cloud === undefined ? undefined : status.Cloud ? "cloud node" : "edge node";
  const details = joined([kind, status.Area && `area ${status.Area}`, uptime(status)]);
  return joined([status.Id, status.Url && `at ${status.Url}`, details && `(${details})`], " ");
}

function uptime(status: StatusAnswer): string | undefined {
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

function machineLine(status: StatusAnswer): string | undefined {
  return joined([
    status.TotalMemory !== undefined
      ? `memory ${status.AvailableMemory ?? "?"} of ${status.TotalMemory} MB available`
      : undefined,
    status.TotalCPU !== undefined ? `${status.TotalCPU} CPUs` : undefined,
    status.LoadAvg ? `load ${status.LoadAvg.map((n) => n.toFixed(2)).join(" ")}` : undefined,
  ]);
}

function invocationsLine(status: StatusAnswer): string | undefined {
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

function containerTable(status: StatusAnswer): string[] {
  const pool = status.Pool?.Functions;
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
      String(occupancy?.Idle ?? status.AvailableWarmContainers?.[name] ?? 0),
      String(occupancy?.Busy ?? status.BusyContainers?.[name] ?? 0),
      occupancy?.Starting === undefined ? "-" : String(occupancy.Starting),
      occupancy?.MemoryMB === undefined ? "-" : `${occupancy.MemoryMB} MB`,
    ];
  });
  return table(["FUNCTION", "WARM", "BUSY", "STARTING", "MEMORY"], rows);
}

function neighbourTable(neighbours: DeepPartial<NeighbourStatus>[]): string[] {
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
