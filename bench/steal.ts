/**
 * CPU time the hypervisor gave to other guests ("steal", the eighth figure of `/proc/stat`'s
 * `cpu` line): on a shared virtual machine it comes in bursts of seconds, during which every
 * process here runs slower, so the benchmark reports how much of it each measured side saw.
 * Reading `/proc` needs `--allow-all` (as `deno task bench` runs); without it, or off Linux,
 * the readings are `undefined`.
 *
 * @module
 */

/** The host's CPU time since boot in clock ticks, summed over its CPUs. */
export interface StealTicks {
  /** Ticks stolen by the hypervisor. */
  steal: number;
  /** All ticks (user, nice, system, idle, iowait, irq, softirq, steal). */
  total: number;
}

/**
 * The steal and total ticks of a `/proc/stat` text; `undefined` when it has no `cpu` line.
 *
 * @example
 * ```ts
 * import { parseStealTicks } from "./steal.ts";
 *
 * console.log(parseStealTicks("cpu  10 0 5 80 1 0 0 4 0 0\n")); // { steal: 4, total: 100 }
 * ```
 */
export function parseStealTicks(procStat: string): StealTicks | undefined {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return undefined;
  return { steal: ticks[7], total: ticks.reduce((sum, t) => sum + t, 0) };
}

/** The host's ticks now; `undefined` when `/proc/stat` cannot be read. */
export function readStealTicks(): StealTicks | undefined {
  try {
    return parseStealTicks(Deno.readTextFileSync("/proc/stat"));
  } catch {
    return undefined;
  }
}

/** The share (0-1) of the CPU time between two readings that was stolen; NaN without both. */
export function stolenShare(before: StealTicks | undefined, after: StealTicks | undefined): number {
  if (!before || !after || after.total <= before.total) return NaN;
  return (after.steal - before.steal) / (after.total - before.total);
}
