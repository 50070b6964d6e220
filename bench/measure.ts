/**
 * What every benchmark module measures with: percentiles, closed-loop timed calls (alone, or
 * several in turns so that they share the machine's conditions) and the formatting of times
 * and rates.
 *
 * @module
 */
import process from "node:process";
import { readStealTicks, stolenShare } from "./steal.ts";

/** The `p`-th percentile (0-100) of `values` (nearest rank); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Milliseconds as a table cell, e.g. `1.25 ms`. */
export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** A rate as a table cell, e.g. `1834 req/s`. */
export function perSecond(value: number): string {
  return `${value.toFixed(0)} req/s`;
}

/** `part / whole` as a percentage cell, e.g. `85 %`. */
export function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(0)} %`;
}

/** Whether an HTTP status is a success (2xx). */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** How many times each status occurs in `statuses`. */
export function countStatuses(statuses: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}

/** How long a closed loop runs: a number of calls in all, or a number of seconds. */
export type LoopLength = { calls: number } | { seconds: number };

/** What a closed loop measured. */
export interface LoopResult {
  /** Latency of each call that succeeded, in ms. */
  latencies: number[];
  /** Successful calls per second of the loop's wall time. */
  okPerSecond: number;
  /** Calls that failed, per HTTP status (0 for a call that threw). */
  failures: Map<number, number>;
  /** CPU time this process spent per call, in µs (user + system, every call counted). */
  cpuMicrosPerCall: number;
  /** CPU time this process spent over the loop's wall time (1 = one core kept busy). */
  cpuShare: number;
  /** Wall time of the loop, in seconds. */
  seconds: number;
  /** Share (0-1) of the host's CPU time the hypervisor stole meanwhile; NaN where unknown. */
  stolen: number;
}

/**
 * Calls `call` in a closed loop from `concurrency` workers (worker `i` passes `i`) until the
 * length is reached. `call` resolves an HTTP status (2xx succeeds) or nothing (success); a
 * call that throws counts as a failure with status 0.
 *
 * @example
 * ```ts
 * import { closedLoop } from "./measure.ts";
 *
 * const result = await closedLoop(4, { calls: 100 }, () => Promise.resolve(200));
 * console.log(result.latencies.length); // 100
 * ```
 */
export async function closedLoop(
  concurrency: number,
  length: LoopLength,
  call: (worker: number) => Promise<number | void>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const failed: number[] = [];
  let started = 0;
  const begin = performance.now();
  const cpuBefore = process.cpuUsage();
  const stealBefore = readStealTicks();
  const end = "seconds" in length ? begin + length.seconds * 1000 : Infinity;
  const more = () => "calls" in length ? started++ < length.calls : performance.now() < end;
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    while (more()) {
      const t = performance.now();
      const status = await call(worker).catch(() => 0);
      if (status === undefined || isSuccess(status)) latencies.push(performance.now() - t);
      else failed.push(status);
    }
  }));
  const seconds = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMicros = cpu.user + cpu.system;
  return {
    latencies,
    okPerSecond: latencies.length / seconds,
    failures: countStatuses(failed),
    cpuMicrosPerCall: cpuMicros / Math.max(1, latencies.length + failed.length),
    cpuShare: cpuMicros / 1e6 / seconds,
    seconds,
    stolen: stolenShare(stealBefore, readStealTicks()),
  };
}

/**
 * Closed loops of several sides (e.g. the node, and the floor it is compared with) measured in
 * turns: `rounds` rounds, each running every side for `seconds / rounds` seconds in the order of
 * `calls`; each side's result sums its turns. On a machine whose speed changes over seconds (a
 * shared virtual machine), each side then sees the same conditions, where one loop after the
 * other would give a burst of slowness to one side only.
 *
 * @example
 * ```ts
 * import { interleavedLoops } from "./measure.ts";
 *
 * const { a, b } = await interleavedLoops(2, { seconds: 0.02, rounds: 2 }, {
 *   a: () => Promise.resolve(200),
 *   b: () => new Promise((resolve) => setTimeout(() => resolve(200), 1)),
 * });
 * console.log(a.okPerSecond > b.okPerSecond); // true
 * ```
 */
export async function interleavedLoops<Side extends string>(
  concurrency: number,
  { seconds, rounds }: { seconds: number; rounds: number },
  calls: Record<Side, (worker: number) => Promise<number | void>>,
): Promise<Record<Side, LoopResult>> {
  const sides = Object.keys(calls) as Side[];
  const turns = new Map<Side, LoopResult[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) {
      turns.get(side)!.push(
        await closedLoop(concurrency, { seconds: seconds / rounds }, calls[side]),
      );
    }
  }
  return Object.fromEntries(sides.map((side) => [side, sumLoops(turns.get(side)!)])) as Record<
    Side,
    LoopResult
  >;
}

/** One result of the loops `parts` of one side, as if they had run as one. */
export function sumLoops(parts: readonly LoopResult[]): LoopResult {
  const seconds = parts.reduce((sum, p) => sum + p.seconds, 0);
  const latencies = parts.flatMap((p) => p.latencies);
  const failures = new Map<number, number>();
  let calls = 0;
  let cpuMicros = 0;
  let stolenSeconds = 0;
  for (const part of parts) {
    for (const [status, n] of part.failures) failures.set(status, (failures.get(status) ?? 0) + n);
    const partCalls = part.latencies.length +
      [...part.failures.values()].reduce((a, b) => a + b, 0);
    calls += partCalls;
    cpuMicros += part.cpuShare * part.seconds * 1e6;
    stolenSeconds += part.stolen * part.seconds;
  }
  return {
    latencies,
    okPerSecond: latencies.length / seconds,
    failures,
    cpuMicrosPerCall: cpuMicros / Math.max(1, calls),
    cpuShare: cpuMicros / 1e6 / seconds,
    seconds,
    stolen: stolenSeconds / seconds,
  };
}

/** Failures per status as a cell, e.g. `28 × 429, 2 × 0`; `0` when there were none. */
export function failureText(failures: ReadonlyMap<number, number>): string {
  if (failures.size === 0) return "0";
  return [...failures].sort(([a], [b]) => a - b).map(([status, n]) => `${n} × ${status}`).join(
    ", ",
  );
}
