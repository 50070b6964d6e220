/**
 * What the pool foresees for a function's queue: its figures for the scale rule (slots, service
 * time, cold start, arrivals) and the expected wait of the next request, memory included.
 *
 * @module
 */
import type { ContainerBook } from "./container_book.ts";
import type { CpuWatch } from "./cpu_watch.ts";
import type { FunctionQueue } from "./function_queue.ts";
import type { PoolEstimates } from "./pool_estimates.ts";
import type { PoolFunction } from "./pool_function.ts";
import type { RunningLeases } from "./running_leases.ts";
import { cpuBound, expectedWait, type QueueFigures } from "./scale_rule.ts";

/** What a forecast reads. */
export interface ForecastSources {
  /** Containers and memory. */
  book: ContainerBook;
  /** Measured times and rates. */
  estimates: PoolEstimates;
  /** Invocations running now. */
  running: RunningLeases;
  /** CPU use of the host and of the containers. */
  cpu: CpuWatch;
  /** Whether requests may wait for busy slots (`scheduler.queue.capacity` > 0). */
  mayWait: boolean;
  /** Clock in milliseconds. */
  now: () => number;
}

/** Forecasts of the pool's queues. */
export class QueueForecast {
  readonly #sources: ForecastSources;

  /** @param sources the books, estimates and running invocations it reads */
  constructor(sources: ForecastSources) {
    this.#sources = sources;
  }

  /** The queue's figures now (`queue` may not exist yet: nobody waits). */
  figures(fn: PoolFunction, queue: FunctionQueue | undefined): QueueFigures {
    const { book, estimates, mayWait } = this.#sources;
    const now = this.#sources.now();
    return {
      waiting: queue?.length ?? 0,
      readySlots: book.readyCount(fn) * fn.maxConcurrency,
      startingSlots: (queue?.starting ?? 0) * fn.maxConcurrency,
      slotsPerContainer: fn.maxConcurrency,
      serviceTime: this.#serviceTime(fn.name, now),
      workTime: this.#workTime(fn, now),
      coldStart: this.coldStart(fn),
      arrivalRate: estimates.arrivalRate(fn.name, now),
      mayWait,
      ...this.#cpuFigures(fn, queue),
    };
  }

  /** Expected seconds until a new container of `fn` serves here. */
  coldStart(fn: PoolFunction): number {
    return this.#sources.estimates.coldStart(fn.image, this.#sources.book.hasBlank(fn));
  }

  /** Expected seconds until a new request for `fn`, after those waiting, gets a slot. */
  expectedWait(fn: PoolFunction, queue: FunctionQueue | undefined): number {
    return this.waitByPosition(fn, queue)((queue?.length ?? 0) + 1);
  }

  /**
   * Expected seconds until the request at a position of the queue (1 = first) gets a slot, as
   * the queue stands now.
   */
  waitByPosition(fn: PoolFunction, queue: FunctionQueue | undefined): (position: number) => number {
    const figures = this.figures(fn, queue);
    const memoryWait = this.waitsForMemory(fn, queue) ? this.#memoryWait(fn) : 0;
    return (position) => memoryWait + expectedWait(figures, position);
  }

  /**
   * Whether the newest waiting request would miss its deadline as the queue stands (`figures`),
   * and one more container would bring it nearer (it would not while the host lacks the CPU
   * for it, see `cpuBound`).
   */
  tailLate(fn: PoolFunction, queue: FunctionQueue, figures: QueueFigures): boolean {
    const tail = queue.tail;
    if (!tail || !figures.mayWait || figures.startingSlots >= figures.waiting) return false;
    if (cpuBound(figures)) return false;
    const wait = expectedWait(figures, figures.waiting);
    if (wait <= (tail.deadline - this.#sources.now()) / 1000) return false;
    const more = { ...figures, startingSlots: figures.startingSlots + fn.maxConcurrency };
    return expectedWait(more, figures.waiting) < wait;
  }

  /**
   * Whether containers that memory allows to start would serve a new request for `fn` within
   * `maxWaitS` (then it may wait: the queue's scale-up starts them); not while the host lacks
   * the CPU for them (see `cpuBound`).
   */
  startsWouldMeet(fn: PoolFunction, queue: FunctionQueue | undefined, maxWaitS: number): boolean {
    const figures = this.figures(fn, queue);
    if (cpuBound(figures)) return false;
    const waiting = figures.waiting + 1;
    const room = Math.min(this.#sources.book.roomFor(fn), waiting);
    for (let more = 1; more <= room; more++) {
      const startingSlots = figures.startingSlots + more * fn.maxConcurrency;
      if (expectedWait({ ...figures, waiting, startingSlots }, waiting) <= maxWaitS) return true;
    }
    return false;
  }

  /** Whether `fn` has no container, none starting, and no room for one. */
  waitsForMemory(fn: PoolFunction, queue: FunctionQueue | undefined): boolean {
    const { book } = this.#sources;
    return (queue?.starting ?? 0) === 0 && book.readyCount(fn) === 0 && !book.canMakeRoom(fn);
  }

  /**
   * Expected seconds until memory for `fn` frees up: the soonest a container of another
   * function goes idle (and may be evicted), a busy one after its service time, a starting one
   * after its cold start and one service time; Infinity when none is busy or starting.
   */
  #memoryWait(fn: PoolFunction): number {
    let soonest = Infinity;
    const now = this.#sources.now();
    for (const name of this.#sources.running.busyFunctions()) {
      if (name !== fn.name) soonest = Math.min(soonest, this.#serviceTime(name, now));
    }
    for (const other of this.#sources.book.startingFunctions()) {
      if (other.name === fn.name) continue;
      const idle = this.coldStart(other) + this.#serviceTime(other.name, now);
      soonest = Math.min(soonest, idle);
    }
    return soonest;
  }

  /**
   * Expected seconds the handler of `fn` runs: what its executors report, else the hold time; 0
   * when no call has been counted yet. Raised to how much longer than the usual hold a running
   * invocation has been held, when that is longer than a cold start (the function turned slow,
   * or its first calls are: a node's own lag, or a fresh container's first call, are shorter).
   */
  #workTime(fn: PoolFunction, now: number): number {
    const { estimates, running } = this.#sources;
    const held = estimates.serviceTime(fn.name);
    const measured = estimates.workTime(fn.name) ?? held;
    const longer = running.runningFor(fn.name, now) - held;
    return longer > this.coldStart(fn) ? Math.max(measured, longer) : measured;
  }

  /**
   * The host's idle CPUs less what the function's containers that do not show in that reading
   * yet (starting, or too new to be measured) will take, and the CPUs one of them uses.
   */
  #cpuFigures(
    fn: PoolFunction,
    queue: FunctionQueue | undefined,
  ): Pick<QueueFigures, "idleCpus" | "cpusPerContainer"> {
    const { cpu, book } = this.#sources;
    const usage = cpu.usage(book.ready(fn));
    const unseen = (queue?.starting ?? 0) + usage.unmeasured;
    return {
      idleCpus: cpu.idleCpus() - unseen * usage.perContainer,
      cpusPerContainer: usage.perContainer,
    };
  }

  #serviceTime(name: string, now: number): number {
    const { estimates, running } = this.#sources;
    return estimates.serviceTime(name, running.runningFor(name, now));
  }
}
