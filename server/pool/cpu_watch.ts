/**
 * How much CPU the host had idle lately, and how much a function's containers used: what the
 * scale rule needs to tell a queue that another container would drain from one that only waits
 * for CPUs already busy (see `cpuBound` in `scale_rule.ts`).
 *
 * Readings are taken when asked for, at most every {@linkcode SAMPLE_MS}; a rate spans the time
 * since the previous reading. A reading more than {@linkcode MAX_SPAN_MS} after the previous one
 * only starts a new span (an average over a quiet minute says nothing of a burst now). Where
 * nothing can be read (off Linux, a backend that cannot tell), the host counts as idle and the
 * containers as using no CPU, so that no scale-up is held back.
 *
 * @module
 */
import type { CpuClock, HostCpuTimes } from "../containers/cpu_time.ts";
import type { PooledContainer } from "./pool_function.ts";

/** Milliseconds between two readings of one clock at least. */
export const SAMPLE_MS = 250;
/** Milliseconds after which a reading starts a new span instead of ending one. */
export const MAX_SPAN_MS = 2000;

/** What the watch reads. */
export interface CpuSources {
  /** The host's CPU times now (`readHostCpuTimes`). */
  host: () => HostCpuTimes | undefined;
  /** A clock of a container's CPU time (`ContainerBackend.cpuClock`). */
  clockOf: (id: string) => Promise<CpuClock | undefined>;
  /** Clock in milliseconds. */
  now: () => number;
}

/**
 * The last span between readings of something cumulative: readings are taken at most every
 * {@linkcode SAMPLE_MS}, and one more than {@linkcode MAX_SPAN_MS} after the previous only
 * starts a span.
 */
class Spans<T> {
  #last: T | undefined;
  #at = -Infinity;
  /** What the last span measured; `undefined` before two readings or after a failed one. */
  figure: number | undefined;

  /**
   * @param measure the span's figure from its first and last readings and its length in
   * seconds
   */
  constructor(readonly measure: (first: T, last: T, seconds: number) => number) {}

  /** Reads `read()` at `now` unless the last reading is recent; returns the last figure. */
  update(now: number, read: () => T | undefined): number | undefined {
    const elapsed = now - this.#at;
    if (elapsed < SAMPLE_MS) return this.figure;
    const reading = read();
    this.figure = reading !== undefined && this.#last !== undefined && elapsed <= MAX_SPAN_MS
      ? this.measure(this.#last, reading, elapsed / 1000)
      : undefined;
    this.#last = reading;
    this.#at = reading === undefined ? -Infinity : now;
    return this.figure;
  }
}

/** CPUs idle over a span: the idle share of all the CPUs' ticks (no need of the tick rate). */
function idleCpusBetween(first: HostCpuTimes, last: HostCpuTimes): number {
  const total = last.total - first.total;
  return total > 0 ? Math.max(0, last.idle - first.idle) / total * last.cpus : last.cpus;
}

/** CPUs a container used over a span, from its CPU seconds. */
function cpusBetween(first: number, last: number, seconds: number): number {
  return Math.max(0, last - first) / seconds;
}

/** A container's CPU clock (`null` when it has none; absent while looked up) and its spans. */
interface ContainerCpu {
  clock?: CpuClock | null;
  usage: Spans<number>;
}

/** What a function's containers used, from {@linkcode CpuWatch.usage}. */
export interface ContainersCpu {
  /** CPUs one of them used, on average over those measured; 0 when none is. */
  perContainer: number;
  /** How many of them have no measure yet though they will have one. */
  unmeasured: number;
}

/** The pool's view of CPU use. */
export class CpuWatch {
  readonly #sources: CpuSources;
  readonly #host = new Spans(idleCpusBetween);
  readonly #containers = new WeakMap<PooledContainer, ContainerCpu>();

  /** @param sources the host's times, the containers' clocks and the clock */
  constructor(sources: CpuSources) {
    this.#sources = sources;
  }

  /** CPUs of the host idle over the last span; `Infinity` when unknown. */
  idleCpus(): number {
    return this.#host.update(this.#sources.now(), this.#sources.host) ?? Infinity;
  }

  /**
   * How much CPU `containers` used over the last span: per container, on average over those
   * with a reading (0 when none has one), and how many have none yet though they can be read
   * (just started, or their clocks are still looked up: the first time they are asked for).
   */
  usage(containers: Iterable<PooledContainer>): ContainersCpu {
    const now = this.#sources.now();
    let sum = 0;
    let known = 0;
    let unmeasured = 0;
    for (const container of containers) {
      const cpu = this.#of(container);
      if (cpu.clock === null) continue;
      const cpus = cpu.clock ? cpu.usage.update(now, cpu.clock) : undefined;
      if (cpus === undefined) {
        unmeasured++;
        continue;
      }
      sum += cpus;
      known++;
    }
    return { perContainer: known === 0 ? 0 : sum / known, unmeasured };
  }

  #of(container: PooledContainer): ContainerCpu {
    const cpu = this.#containers.get(container);
    if (cpu) return cpu;
    const entry: ContainerCpu = { usage: new Spans(cpusBetween) };
    this.#containers.set(container, entry);
    this.#sources.clockOf(container.id).then(
      (clock) => entry.clock = clock ?? null,
      () => entry.clock = null,
    );
    return entry;
  }
}
