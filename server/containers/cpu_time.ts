/**
 * CPU time: the host's idle and total time (from `node:os`, which needs `--allow-sys`: Deno lets
 * no program without `--allow-all` read `/proc` itself) and what a container used (as its
 * engine reports it, see `ContainerBackend.cpuReading`). The pool reads them to tell when the
 * host's CPUs, not a function's containers, limit what it serves. Where they cannot be read,
 * the readings are `undefined`.
 *
 * @module
 */
import { cpus } from "node:os";

/** The host's CPU time since boot, summed over its CPUs, in milliseconds. */
export interface HostCpuTimes {
  /** Time the CPUs were idle. */
  idle: number;
  /** All their time (user, nice, system, idle, interrupts). */
  total: number;
  /** Number of CPUs. */
  cpus: number;
}

/** A container's CPU time so far, as its engine read it. */
export interface CpuReading {
  /** CPU seconds the container used since it started. */
  seconds: number;
  /** When the engine read it, milliseconds since the epoch. */
  at: number;
}

/** The host's CPU times of `cpus()` (of `node:os`), summed; `undefined` without CPUs. */
export function sumCpuTimes(
  perCpu: readonly { times: Record<"user" | "nice" | "sys" | "idle" | "irq", number> }[],
): HostCpuTimes | undefined {
  if (perCpu.length === 0) return undefined;
  let idle = 0;
  let total = 0;
  for (const { times } of perCpu) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total, cpus: perCpu.length };
}

/** The host's CPU times now; `undefined` when they cannot be read (no `--allow-sys`). */
export function readHostCpuTimes(): HostCpuTimes | undefined {
  try {
    return sumCpuTimes(cpus());
  } catch {
    return undefined;
  }
}
