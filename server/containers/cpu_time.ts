/**
 * CPU time as Linux accounts it: the host's idle and busy time (`/proc/stat`) and a container's
 * (its cgroup's `cpuacct.usage` under cgroup v1, `usage_usec` of `cpu.stat` under v2). The pool
 * reads them to tell when the host's CPUs, not a function's containers, limit what it serves.
 * Off Linux, or where the files cannot be read, every reading is `undefined`.
 *
 * @module
 */

/** The host's CPU time since boot, summed over its CPUs, in the kernel's clock ticks. */
export interface HostCpuTimes {
  /** Time the CPUs were idle (idle and waiting for I/O). */
  idle: number;
  /** All their time (busy, idle and stolen). */
  total: number;
  /** Number of CPUs. */
  cpus: number;
}

/** Cumulative CPU seconds of one container; `undefined` once it cannot be read (removed). */
export type CpuClock = () => number | undefined;

/**
 * The host's CPU times from the text of `/proc/stat`, `undefined` when it has no `cpu` line.
 *
 * @example
 * ```ts
 * import { parseProcStat } from "./cpu_time.ts";
 *
 * const times = parseProcStat("cpu  60 0 20 900 20 0 0 0 0 0\ncpu0 30 0 10 450 10 0 0 0 0 0\n");
 * console.log(times); // { idle: 920, total: 1000, cpus: 1 }
 * ```
 */
export function parseProcStat(text: string): HostCpuTimes | undefined {
  const lines = text.split("\n");
  const summary = lines[0]?.match(/^cpu\s+(.*)$/);
  if (!summary) return undefined;
  // user nice system idle iowait irq softirq steal [guest guest_nice, already in user and nice]
  const fields = summary[1].trim().split(/\s+/).slice(0, 8).map(Number);
  if (fields.length < 4 || fields.some((n) => !Number.isFinite(n))) return undefined;
  const cpus = lines.filter((line) => /^cpu\d+\s/.test(line)).length;
  return {
    idle: fields[3] + (fields[4] ?? 0),
    total: fields.reduce((sum, n) => sum + n, 0),
    cpus: Math.max(1, cpus),
  };
}

/** The host's CPU times now, `undefined` where `/proc/stat` cannot be read. */
export function readHostCpuTimes(): HostCpuTimes | undefined {
  try {
    return parseProcStat(Deno.readTextFileSync("/proc/stat"));
  } catch {
    return undefined;
  }
}

/**
 * The files that may hold the CPU time of the cgroup a process is in, from the text of its
 * `/proc/<pid>/cgroup`: under cgroup v1 the `cpuacct` hierarchy's `cpuacct.usage` (the
 * hierarchy mounted alone or beside `cpu`), under v2 (`0::` line) the group's `cpu.stat`.
 *
 * @example
 * ```ts
 * import { cgroupCpuFiles } from "./cpu_time.ts";
 *
 * console.log(cgroupCpuFiles("0::/system.slice/docker-ab12.scope\n"));
 * // ["/sys/fs/cgroup/system.slice/docker-ab12.scope/cpu.stat"]
 * ```
 */
export function cgroupCpuFiles(procCgroup: string, root = "/sys/fs/cgroup"): string[] {
  const v1: string[] = [];
  const v2: string[] = [];
  for (const line of procCgroup.split("\n")) {
    const [id, controllers, path] = splitCgroupLine(line);
    if (path === undefined) continue;
    if (id === "0" && controllers === "") v2.push(`${root}${path}/cpu.stat`);
    else if (controllers.split(",").includes("cpuacct")) {
      for (const mount of new Set([controllers, "cpuacct", "cpu,cpuacct", "cpuacct,cpu"])) {
        v1.push(`${root}/${mount}${path}/cpuacct.usage`);
      }
    }
  }
  return [...v1, ...v2];
}

/**
 * A clock of the CPU time of the cgroup process `pid` is in (a container's init process puts
 * it in the container's own), `undefined` when none of its files can be read.
 */
export function cgroupCpuClock(pid: number, root = "/sys/fs/cgroup"): CpuClock | undefined {
  let procCgroup: string;
  try {
    procCgroup = Deno.readTextFileSync(`/proc/${pid}/cgroup`);
  } catch {
    return undefined;
  }
  for (const file of cgroupCpuFiles(procCgroup, root)) {
    const clock = fileClock(file);
    if (clock() !== undefined) return clock;
  }
  return undefined;
}

/** A clock reading `file`: nanoseconds in `cpuacct.usage`, `usage_usec` in `cpu.stat`. */
function fileClock(file: string): CpuClock {
  const v2 = file.endsWith("/cpu.stat");
  return () => {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      return undefined;
    }
    const value = v2 ? Number(text.match(/^usage_usec (\d+)$/m)?.[1]) : Number(text.trim());
    if (!Number.isFinite(value) || text.trim() === "") return undefined;
    return value / (v2 ? 1e6 : 1e9);
  };
}

/** `id:controllers:path` of a line of `/proc/<pid>/cgroup` (the path may hold colons). */
function splitCgroupLine(line: string): [string, string, string | undefined] {
  const first = line.indexOf(":");
  const second = line.indexOf(":", first + 1);
  if (first < 0 || second < 0) return ["", "", undefined];
  return [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1)];
}
