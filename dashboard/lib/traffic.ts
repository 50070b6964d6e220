/**
 * Offload traffic over the last minutes, from the cumulative counters of successive `/status`
 * snapshots: per interval, the requests run here, sent to each neighbour (and to nodes no
 * longer listed), received from others and dropped. Feeds the traffic chart and its table.
 *
 * @module
 */
import type { NodeStatus } from "../../protocol/status.ts";

/** Requests counted in one interval between two snapshots. */
export interface TrafficSample {
  /** End of the interval, in seconds since the epoch. */
  time: number;
  /** Length of the interval in seconds. */
  seconds: number;
  /** Requests run on this node (received ones included). */
  local: number;
  /** Requests offloaded, per neighbour id. */
  sent: Record<string, number>;
  /** Requests offloaded to nodes the status no longer lists. */
  other: number;
  /** Requests other nodes offloaded to this one. */
  received: number;
  /** Requests refused. */
  dropped: number;
}

/** One line of the chart. */
export interface TrafficSeries {
  /** Stable key: `local`, `to:<id>`, `other`, `received`, `dropped`. */
  key: string;
  /** Human label. */
  label: string;
  /** What it counts. */
  kind: "local" | "neighbour" | "other" | "received" | "dropped";
  /** For `neighbour`: whether it is a cloud node. */
  cloud?: boolean;
}

/** Options of {@linkcode TrafficHistory}. */
export interface TrafficHistoryOptions {
  /** Seconds of history kept. @default 300 */
  windowSeconds?: number;
  /** Snapshots closer than this to the previous one are skipped (ms). @default 250 */
  minIntervalMs?: number;
}

interface Baseline {
  id: string;
  uptime: number;
  at: number;
  local: number;
  offloaded: number;
  received: number;
  dropped: number;
  sent: Map<string, number>;
}

/**
 * A window of traffic samples built from status snapshots.
 *
 * @example
 * ```ts
 * import type { NodeStatus } from "../../protocol/status.ts";
 *
 * const history = new TrafficHistory({ windowSeconds: 300 });
 * const onStatus = (status: NodeStatus) => history.add(status); // on every status event
 * history.totals(); // e.g. { local: 2, "to:cloud-1": 28, other: 0, received: 0, dropped: 0 }
 * ```
 */
export class TrafficHistory {
  readonly #windowSeconds: number;
  readonly #minIntervalMs: number;
  #samples: TrafficSample[] = [];
  #baseline: Baseline | undefined;
  /** Neighbours ever listed in the window: id → cloud flag. */
  #neighbours = new Map<string, boolean>();

  /** An empty history. */
  constructor(options: TrafficHistoryOptions = {}) {
    this.#windowSeconds = options.windowSeconds ?? 300;
    this.#minIntervalMs = options.minIntervalMs ?? 250;
  }

  /**
   * Adds a snapshot taken at `nowMs`; answers whether it produced a sample (the first snapshot,
   * one of another node or one after a restart only sets the baseline).
   */
  add(status: NodeStatus, nowMs: number = Date.now()): boolean {
    const previous = this.#baseline;
    if (previous && nowMs - previous.at < this.#minIntervalMs && previous.id === status.Id) {
      return false;
    }
    const next = baselineOf(status, nowMs);
    if (!previous || restarted(previous, next)) {
      if (previous && previous.id !== status.Id) this.clear();
      this.#baseline = next;
      for (const n of status.Neighbours) this.#neighbours.set(n.Id, n.Cloud);
      return false;
    }
    this.#baseline = next;
    for (const n of status.Neighbours) this.#neighbours.set(n.Id, n.Cloud);
    const sent: Record<string, number> = {};
    let attributed = 0;
    for (const n of status.Neighbours) {
      // A neighbour that was not listed before starts from its current count.
      const delta = Math.max(0, n.Sent - (previous.sent.get(n.Id) ?? n.Sent));
      sent[n.Id] = delta;
      attributed += delta;
    }
    this.#samples.push({
      time: nowMs / 1000,
      seconds: (nowMs - previous.at) / 1000,
      local: next.local - previous.local,
      sent,
      other: Math.max(0, next.offloaded - previous.offloaded - attributed),
      received: next.received - previous.received,
      dropped: next.dropped - previous.dropped,
    });
    this.#trim(nowMs / 1000, status);
    return true;
  }

  /** Forgets every sample and the baseline. */
  clear(): void {
    this.#samples = [];
    this.#neighbours.clear();
    this.#baseline = undefined;
  }

  /** Seconds of history kept. */
  get windowSeconds(): number {
    return this.#windowSeconds;
  }

  /** The samples in the window, oldest first. */
  samples(): readonly TrafficSample[] {
    return this.#samples;
  }

  /**
   * The chart's lines: run here, one per neighbour (cloud nodes first), nodes no longer listed
   * (only when they got requests in the window), received, dropped.
   */
  series(): TrafficSeries[] {
    const neighbours = [...this.#neighbours].sort(([a, ac], [b, bc]) =>
      ac === bc ? a.localeCompare(b) : ac ? -1 : 1
    );
    const series: TrafficSeries[] = [{ key: "local", label: "Run here", kind: "local" }];
    for (const [id, cloud] of neighbours) {
      series.push({ key: `to:${id}`, label: `To ${id}`, kind: "neighbour", cloud });
    }
    if (this.#samples.some((s) => s.other > 0)) {
      series.push({ key: "other", label: "To other nodes", kind: "other" });
    }
    series.push({ key: "received", label: "Received", kind: "received" });
    series.push({ key: "dropped", label: "Dropped", kind: "dropped" });
    return series;
  }

  /** Requests per series over the window. */
  totals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const s of this.series()) totals[s.key] = 0;
    for (const sample of this.#samples) {
      for (const s of this.series()) totals[s.key] += countOf(sample, s.key);
    }
    return totals;
  }

  /**
   * uPlot's aligned data over the whole window, in buckets of `bucketSeconds` ending at
   * `nowSeconds`: bucket end times first, then one array per {@linkcode series} with the
   * requests of each bucket (`null` for buckets before the first sample: nothing is known).
   */
  chartData(nowSeconds: number = Date.now() / 1000, bucketSeconds = 5): (number | null)[][] {
    const series = this.series();
    const count = Math.max(1, Math.round(this.#windowSeconds / bucketSeconds));
    const end = Math.ceil(nowSeconds / bucketSeconds) * bucketSeconds;
    const start = end - count * bucketSeconds;
    const times = Array.from({ length: count }, (_, i) => start + (i + 1) * bucketSeconds);
    const first = this.#samples[0];
    const known = first ? first.time - first.seconds : Infinity;
    const columns = series.map(() => times.map((t): number | null => t <= known ? null : 0));
    for (const sample of this.#samples) {
      const i = Math.ceil((sample.time - start) / bucketSeconds) - 1;
      if (i < 0 || i >= count) continue;
      series.forEach((s, k) => {
        columns[k][i] = (columns[k][i] ?? 0) + countOf(sample, s.key);
      });
    }
    return [times, ...columns];
  }

  /** Drops samples older than the window, and neighbours neither listed nor sent to in it. */
  #trim(now: number, status: NodeStatus): void {
    const oldest = now - this.#windowSeconds;
    const first = this.#samples.findIndex((s) => s.time >= oldest);
    if (first > 0) this.#samples = this.#samples.slice(first);
    const listed = new Set(status.Neighbours.map((n) => n.Id));
    for (const id of this.#neighbours.keys()) {
      if (!listed.has(id) && !this.#samples.some((s) => (s.sent[id] ?? 0) > 0)) {
        this.#neighbours.delete(id);
      }
    }
  }
}

/** The count of `key` in one sample. */
export function countOf(sample: TrafficSample, key: string): number {
  if (key.startsWith("to:")) return sample.sent[key.slice(3)] ?? 0;
  switch (key) {
    case "local":
      return sample.local;
    case "other":
      return sample.other;
    case "received":
      return sample.received;
    case "dropped":
      return sample.dropped;
  }
  return 0;
}

function baselineOf(status: NodeStatus, at: number): Baseline {
  const sent = new Map(status.Neighbours.map((n) => [n.Id, n.Sent]));
  const counts = status.Invocations;
  return {
    id: status.Id,
    uptime: status.UptimeSeconds,
    at,
    local: counts.Local,
    offloaded: counts.OffloadedEdge + counts.OffloadedCloud,
    received: counts.Received,
    dropped: counts.Dropped,
    sent,
  };
}

function restarted(previous: Baseline, next: Baseline): boolean {
  return previous.id !== next.id || next.uptime < previous.uptime ||
    next.local < previous.local || next.offloaded < previous.offloaded ||
    next.received < previous.received || next.dropped < previous.dropped;
}
