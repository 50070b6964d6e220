/**
 * Pool occupancy as the dashboard draws it: per function, the memory its busy, idle and
 * starting containers hold, as shares of the pool's capacity.
 *
 * @module
 */
import type { PoolStatus } from "../../protocol/status.ts";

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
  /** Requests waiting for a container slot. */
  waiting: number;
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
 * const pool = poolSummary({ MemoryMB: 1024, UsedMemoryMB: 256, Cpus: 2, UsedCpus: 0, Blank: 0,
 *   Functions: { hello: { Idle: 1, Busy: 1, Starting: 0, Waiting: 0, MemoryMB: 256 } } });
 * pool.rows[0].percent; // { busy: 12.5, idle: 12.5, starting: 0 }
 * ```
 */
export function poolSummary(pool: PoolStatus): PoolSummary {
  const capacity = pool.MemoryMB > 0 ? pool.MemoryMB : 1;
  const rows = Object.entries(pool.Functions).map(([name, f]): PoolRow => {
    const count = f.Busy + f.Idle + f.Starting;
    const each = count > 0 ? f.MemoryMB / count : 0;
    const busyMB = each * f.Busy;
    const idleMB = each * f.Idle;
    const startingMB = each * f.Starting;
    return {
      name,
      busy: f.Busy,
      idle: f.Idle,
      starting: f.Starting,
      waiting: f.Waiting,
      memoryMB: f.MemoryMB,
      busyMB,
      idleMB,
      startingMB,
      percent: {
        busy: percent(busyMB, capacity),
        idle: percent(idleMB, capacity),
        starting: percent(startingMB, capacity),
      },
    };
  }).filter((r) => r.busy + r.idle + r.starting + r.waiting > 0)
    .sort((a, b) => b.memoryMB - a.memoryMB || a.name.localeCompare(b.name));
  return {
    memoryMB: pool.MemoryMB,
    usedMemoryMB: pool.UsedMemoryMB,
    memoryPercent: percent(pool.UsedMemoryMB, capacity),
    cpus: pool.Cpus,
    usedCpus: pool.UsedCpus,
    cpuPercent: percent(pool.UsedCpus, pool.Cpus > 0 ? pool.Cpus : 1),
    blank: pool.Blank,
    rows,
  };
}

/** `part` as a percent of `whole`, between 0 and 100, rounded to 0.1. */
export function percent(part: number, whole: number): number {
  if (!(whole > 0) || !(part > 0)) return 0;
  return Math.min(100, Math.round((part / whole) * 1000) / 10);
}
