/**
 * Whether a function's queue takes a new request: how long the request may wait here, and why it
 * is refused when it is (its queue is full, it would wait longer than it may, no memory).
 *
 * @module
 */
import type { ContainerBook } from "./container_book.ts";
import type { QueueForecast } from "./forecast.ts";
import type { FunctionQueue } from "./function_queue.ts";
import type { PoolFunction } from "./pool_function.ts";
import { memoryTooLate, queueFull, waitTooLong } from "./refusals.ts";

/** What admission reads. */
export interface AdmissionSources {
  /** Containers and memory. */
  book: ContainerBook;
  /** The queues' forecasts. */
  forecast: QueueForecast;
  /** Requests that may wait per function (`scheduler.queue.capacity`); 0: none waits. */
  queueCapacity: number;
}

/** The admission rules of the pool's queues. */
export class Admission {
  readonly #sources: AdmissionSources;

  /** @param sources the books, the forecasts and the queue capacity */
  constructor(sources: AdmissionSources) {
    this.#sources = sources;
  }

  /**
   * What a request for `fn` that may wait `maxWaitS` may wait here: when the function has no
   * ready container here, at least one cold start (it may always wait for the container
   * started for it).
   */
  waitLimit(fn: PoolFunction, maxWaitS: number): number {
    const { book, forecast } = this.#sources;
    if (book.readyCount(fn) > 0) return maxWaitS;
    return Math.max(maxWaitS, forecast.coldStart(fn));
  }

  /**
   * Why a new request for `fn` that may wait `maxWaitS` would be refused now, or `undefined`
   * when it may wait: its queue has room, and it would get a slot in time (on the slots there
   * are, or on containers that memory allows to start).
   */
  refusal(fn: PoolFunction, queue: FunctionQueue | undefined, maxWaitS: number): Error | undefined {
    const { book, forecast, queueCapacity } = this.#sources;
    const waiting = queue?.length ?? 0;
    if (queueCapacity === 0) {
      const slotLeft = !!queue && waiting < queue.starting * fn.maxConcurrency;
      return book.canMakeRoom(fn) || slotLeft ? undefined : book.noRoomError(fn);
    }
    if (waiting >= queueCapacity) return queueFull(fn.name, waiting);
    const wait = forecast.expectedWait(fn, queue);
    if (wait <= maxWaitS || forecast.startsWouldMeet(fn, queue, maxWaitS)) return undefined;
    return forecast.waitsForMemory(fn, queue)
      ? memoryTooLate(book.noRoomError(fn).message, wait, maxWaitS)
      : waitTooLong(fn.name, wait, maxWaitS);
  }

  /**
   * Whether a request just queued may stay: always when requests may wait, else only when every
   * waiting request has a slot of its own among the containers starting.
   */
  mayStay(fn: PoolFunction, queue: FunctionQueue): boolean {
    if (this.#sources.queueCapacity > 0) return true;
    return queue.length <= queue.starting * fn.maxConcurrency;
  }
}
