/**
 * Pool occupancy as the dashboard draws it: per function, the memory its busy, idle and
 * starting containers hold, as shares of the pool's capacity.
 *
 * @module
 */
import type { PoolStats } from "./types.ts";

/** One function's bar. */
export interface PoolRow {
  /** Function name. */
  name: string;
  /** Containers serving a request. */
  busy: number;
  /** Warm idle containers. */
  idle: number;
  /** Containers being created. */
  starting: number;
  /** Memory held by all of them, in MB. */
  memoryMB: number;
  /** Memory held by busy containers, in MB (shares of `memoryMB` by count). */
  busyMB: number;
  /** Memory held by idle containers, in MB. */
  idleMB: number;
  /** Memory held by starting containers, in MB. */
  startingMB: number;
  /** Percent of the pool's memory held by busy, idle and starting containers. */
  percent: { busy: number; idle: number; starting: number };
}

/** The whole pool. */
export interface PoolSummary {
  /** Pool memory, in MB. */
  memoryMB: number;
  /** Memory in use, in MB. */
  usedMemoryMB: number;
  /** Percent of the pool's memory in use. */
  memoryPercent: number;
  /** Pool CPUs. */
  cpus: number;
  /** CPUs in use. */
  usedCpus: number;
  /** Percent of the pool's CPUs in use. */
  cpuPercent: number;
  /** Blank containers ready for cold starts (their memory is in `usedMemoryMB`). */
  blank: number;
  /** One row per function holding containers, the largest first. */
  rows: PoolRow[];
}

/**
 * Summarises `/status`'s `Pool`.
 *
 * @example
 * ```ts
 * const pool = poolSummary({ memoryMB: 1024, usedMemoryMB: 256, cpus: 2, usedCpus: 0, blank: 0,
 *   functions: { hello: { idle: 1, busy: 1, starting: 0, memoryMB: 256 } } });
 * pool.rows[0].percent; // { busy: 12.5, idle: 12.5, starting: 0 }
 * ```
 */
export function poolSummary(pool: PoolStats): PoolSummary {
  const capacity = pool.memoryMB > 0 ? pool.memoryMB : 1;
  const rows = Object.entries(pool.functions).map(([name, f]): PoolRow => {
    const count = f.busy + f.idle + f.starting;
    const each = count > 0 ? f.memoryMB / count : 0;
    const busyMB = each * f.busy;
    const idleMB = each * f.idle;
    const startingMB = each * f.starting;
    return {
      name,
      busy: f.busy,
      idle: f.idle,
      starting: f.starting,
      memoryMB: f.memoryMB,
      busyMB,
      idleMB,
      startingMB,
      percent: {
        busy: percent(busyMB, capacity),
        idle: percent(idleMB, capacity),
        starting: percent(startingMB, capacity),
      },
    };
  }).filter((r) => r.busy + r.idle + r.starting > 0)
    .sort((a, b) => b.memoryMB - a.memoryMB || a.name.localeCompare(b.name));
  return {
    memoryMB: pool.memoryMB,
    usedMemoryMB: pool.usedMemoryMB,
    memoryPercent: percent(pool.usedMemoryMB, capacity),
    cpus: pool.cpus,
    usedCpus: pool.usedCpus,
    cpuPercent: percent(pool.usedCpus, pool.cpus > 0 ? pool.cpus : 1),
    blank: pool.blank,
    rows,
  };
}

/** `part` as a percent of `whole`, between 0 and 100, rounded to 0.1. */
export function percent(part: number, whole: number): number {
  if (!(whole > 0) || !(part > 0)) return 0;
  return Math.min(100, Math.round((part / whole) * 1000) / 10);
}
