/**
 * How much CPU the host had idle lately, and how much a function's containers used: what the
 * scale rule needs to tell a queue that another container would drain from one that only waits
 * for CPUs already busy (see `cpuBound` in `scale_rule.ts`).
 *
 * Readings are taken when asked for: the host's at most every {@linkcode SAMPLE_MS}, a
 * container's asked of its engine (which samples about once a second) at most that often, the
 * answer used once it comes. A figure spans the time between two readings; a reading more than
 * {@linkcode MAX_SPAN_MS} after the previous one only starts a new span (an average over a
 * quiet minute says nothing of a burst now). Where nothing can be read (no `--allow-sys`, a
 * backend that cannot tell), the host counts as idle and the containers as using no CPU, so
 * that no scale-up is held back.
 *
 * @module
 */
import type { CpuReading, HostCpuTimes } from "../containers/cpu_time.ts";
import type { PooledContainer } from "./pool_function.ts";

/** Milliseconds between two readings of the host, or two questions about a container, at least. */
export const SAMPLE_MS = 250;
/** Milliseconds after which a reading starts a new span instead of ending one. */
export const MAX_SPAN_MS = 3000;

/** What the watch reads. */
export interface CpuSources {
  /** The host's CPU times now (`readHostCpuTimes`). */
  host: () => HostCpuTimes | undefined;
  /** A container's CPU time so far (`ContainerBackend.cpuReading`). */
  container: (id: string) => Promise<CpuReading | undefined>;
  /** Clock in milliseconds. */
  now: () => number;
}

/** What a function's containers used, from {@linkcode CpuWatch.usage}. */
export interface ContainersCpu {
  /** CPUs one of them used, on average over those measured; 0 when none is. */
  perContainer: number;
  /** How many of them have no measure yet though they will have one. */
  unmeasured: number;
}

/** What the watch knows of one container. */
interface ContainerCpu {
  /** Its last reading. */
  last?: CpuReading;
  /** CPUs it used between its last two readings. */
  cpus?: number;
  /** When it was last asked about (ms of the watch's clock). */
  askedAt: number;
  /** Whether a question is under way. */
  asking: boolean;
  /** Whether its backend cannot tell (it is gone, or the backend has no accounting). */
  unknown: boolean;
}

/** CPUs idle between two readings of the host: the idle share of all its CPUs' time. */
function idleCpusBetween(first: HostCpuTimes, last: HostCpuTimes): number {
  const total = last.total - first.total;
  return total > 0 ? Math.max(0, last.idle - first.idle) / total * last.cpus : last.cpus;
}

/** The pool's view of CPU use. */
export class CpuWatch {
  readonly #sources: CpuSources;
  #host: HostCpuTimes | undefined;
  #hostAt = -Infinity;
  #idleCpus: number | undefined;
  readonly #containers = new WeakMap<PooledContainer, ContainerCpu>();

  /** @param sources the host's times, the containers' readings and the clock */
  constructor(sources: CpuSources) {
    this.#sources = sources;
  }

  /** CPUs of the host idle over the last span; `Infinity` when unknown. */
  idleCpus(): number {
    const now = this.#sources.now();
    const elapsed = now - this.#hostAt;
    if (elapsed >= SAMPLE_MS) {
      const reading = this.#sources.host();
      this.#idleCpus = reading && this.#host && elapsed <= MAX_SPAN_MS
        ? idleCpusBetween(this.#host, reading)
        : undefined;
      this.#host = reading;
      this.#hostAt = reading ? now : -Infinity;
    }
    return this.#idleCpus ?? Infinity;
  }

  /**
   * How much CPU `containers` used over their last spans: per container, on average over those
   * with a figure (0 when none has one), and how many have none yet though they will (just
   * started, or first asked about now). Asks the engine about each at most every
   * {@linkcode SAMPLE_MS}.
   */
  usage(containers: Iterable<PooledContainer>): ContainersCpu {
    const now = this.#sources.now();
    let sum = 0;
    let known = 0;
    let unmeasured = 0;
    for (const container of containers) {
      const cpu = this.#of(container);
      if (cpu.unknown) continue;
      this.#ask(container.id, cpu, now);
      if (cpu.cpus === undefined) unmeasured++;
      else {
        sum += cpu.cpus;
        known++;
      }
    }
    return { perContainer: known === 0 ? 0 : sum / known, unmeasured };
  }

  #of(container: PooledContainer): ContainerCpu {
    let cpu = this.#containers.get(container);
    if (!cpu) {
      cpu = { askedAt: -Infinity, asking: false, unknown: false };
      this.#containers.set(container, cpu);
    }
    return cpu;
  }

  /** Asks the engine about a container unless it was asked lately; the answer comes later. */
  #ask(id: string, cpu: ContainerCpu, now: number): void {
    if (cpu.asking || now - cpu.askedAt < SAMPLE_MS) return;
    cpu.asking = true;
    cpu.askedAt = now;
    this.#sources.container(id).then((reading) => {
      cpu.asking = false;
      if (!reading) {
        cpu.unknown = true;
        return;
      }
      const span = cpu.last ? reading.at - cpu.last.at : 0;
      if (span > 0) {
        cpu.cpus = span <= MAX_SPAN_MS
          ? Math.max(0, reading.seconds - cpu.last!.seconds) / (span / 1000)
          : undefined;
      }
      if (span >= 0) cpu.last = reading;
    }, () => {
      cpu.asking = false; // the engine did not answer: asked again later
    });
  }
}
