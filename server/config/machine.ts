/**
 * Facts about the machine that some defaults depend on: memory, CPUs, host name. Each is the
 * given one (tests give them) or else read from Deno, with a warning and a fallback when Deno
 * cannot tell.
 *
 * @module
 */
import { errorText } from "./error.ts";

/** Facts about the machine that some defaults depend on; each is read from Deno when absent. */
export interface MachineInfo {
  /** Host name, for the default node id. */
  hostname?: string;
  /** Total memory in MB; the pool gets half of it by default. */
  memoryMB?: number;
  /** Number of CPUs, the pool's default CPU capacity. */
  cpus?: number;
}

/** The given machine facts, and the warnings to add to when one cannot be read. */
export interface MachineContext {
  /** The facts given; the others are read from Deno. */
  readonly machine: MachineInfo;
  /** The config's warnings. */
  readonly warnings: string[];
}

/** Total memory in MB; 4096 with a warning when it cannot be read (needs `--allow-sys`). */
export function machineMemoryMB(ctx: MachineContext): number {
  if (ctx.machine.memoryMB !== undefined) return ctx.machine.memoryMB;
  try {
    return Math.floor(Deno.systemMemoryInfo().total / (1024 * 1024));
  } catch (error) {
    ctx.warnings.push(
      `Cannot read the machine's memory size (${errorText(error)}): ` +
        `"container.pool.memory" defaults to 2048`,
    );
    return 4096; // the pool gets half
  }
}

/** Number of CPUs, at least 1. */
export function machineCpus(ctx: MachineContext): number {
  return ctx.machine.cpus ?? (navigator.hardwareConcurrency || 1);
}

/** Host name; `localhost` with a warning when it cannot be read (needs `--allow-sys`). */
export function machineHostname(ctx: MachineContext): string {
  if (ctx.machine.hostname !== undefined) return ctx.machine.hostname;
  try {
    return Deno.hostname();
  } catch (error) {
    ctx.warnings.push(`Cannot read the host name (${errorText(error)}): node id uses "localhost"`);
    return "localhost";
  }
}
