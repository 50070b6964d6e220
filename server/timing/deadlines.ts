/**
 * Many deadlines on one timer. Every warm invocation arms a timeout and a freeze check, and
 * almost all of them are cancelled within a millisecond; a timer of its own for each (or an
 * `AbortSignal.timeout` joined by `AbortSignal.any`) costs several µs of CPU per call. Here
 * the deadlines of one delay wait in a first-in-first-out queue (they fall due in the order they
 * were armed), one timer is armed for the earliest deadline of all queues, and cancelling only
 * marks the entry; when the timer fires it runs what fell due, drops what was cancelled and is
 * armed again for the earliest live deadline, if any. The timer keeps the process alive only
 * while a deadline is live (it is unref'd when the last one is cancelled, which costs far less
 * than clearing it and arming a new one for the next call).
 *
 * @example Two deadlines, one cancelled
 * ```ts
 * import { Deadlines } from "./deadlines.ts";
 *
 * const deadlines = new Deadlines();
 * const fired: string[] = [];
 * deadlines.arm(10, () => fired.push("kept"));
 * deadlines.arm(10, () => fired.push("cancelled")).cancel();
 * await new Promise((resolve) => setTimeout(resolve, 30));
 * console.log(fired); // ["kept"]
 * ```
 *
 * @module
 */

/** An armed deadline. */
export interface Deadline {
  /** Stops it from firing (nothing happens when it fired already). */
  cancel(): void;
}

/** One armed deadline in its queue. */
interface Entry extends Deadline {
  /** `performance.now()` time it falls due. */
  readonly at: number;
  /** What it runs; `undefined` once cancelled or fired. */
  run: (() => void) | undefined;
}

/** The deadlines of one delay, in the order they fall due. */
interface Queue {
  entries: Entry[];
  /** Index of the first entry not yet taken off. */
  head: number;
}

/** Entries a queue may hold beyond the live ones before the cancelled ones are swept out. */
export const SWEEP_SLACK = 1024;

/** Deadlines sharing one timer. */
export class Deadlines {
  readonly #queues = new Map<number, Queue>();
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  /** Deadlines armed and neither fired nor cancelled. */
  get live(): number {
    return this.#live;
  }

  /** Entries held: the live ones and the cancelled ones not dropped yet (for tests). */
  get held(): number {
    let held = 0;
    for (const queue of this.#queues.values()) held += queue.entries.length - queue.head;
    return held;
  }

  /** Runs `run` once `delayMs` milliseconds have passed, unless cancelled first. */
  arm(delayMs: number, run: () => void): Deadline {
    let queue = this.#queues.get(delayMs);
    if (queue === undefined) this.#queues.set(delayMs, queue = { entries: [], head: 0 });
    const entry: Entry = {
      at: performance.now() + delayMs,
      run,
      cancel: () => this.#cancel(entry),
    };
    queue.entries.push(entry);
    if (this.#live++ === 0 && this.#timer !== undefined) Deno.refTimer(this.#timer);
    if (queue.entries.length - queue.head > this.#live + SWEEP_SLACK) sweep(queue);
    if (entry.at < this.#timerAt) this.#setTimer(entry.at);
    return entry;
  }

  #cancel(entry: Entry): void {
    if (entry.run === undefined) return;
    entry.run = undefined;
    if (--this.#live === 0 && this.#timer !== undefined) Deno.unrefTimer(this.#timer);
  }

  /** Runs what fell due, drops cancelled entries, arms the timer for the next live deadline. */
  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    const due: (() => void)[] = [];
    let next = Infinity;
    for (const [delay, queue] of this.#queues) {
      const { entries } = queue;
      let head = queue.head;
      for (; head < entries.length; head++) {
        const entry = entries[head];
        if (entry.run === undefined) continue;
        if (entry.at > now) break;
        due.push(entry.run);
        entry.run = undefined;
        this.#live--;
      }
      if (head === entries.length) this.#queues.delete(delay);
      else {
        queue.head = head;
        if (head > entries.length / 2) sweep(queue);
        next = Math.min(next, queue.entries[queue.head].at);
      }
    }
    if (next !== Infinity) this.#setTimer(next);
    for (const run of due) run();
  }

  #setTimer(at: number): void {
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()));
    if (this.#live === 0) Deno.unrefTimer(this.#timer);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}

/** Drops the entries of `queue` taken off or cancelled, keeping the order of the others. */
function sweep(queue: Queue): void {
  queue.entries = queue.entries.filter((entry, i) => i >= queue.head && entry.run !== undefined);
  queue.head = 0;
}

/** The process's shared deadlines (executor calls and their freeze checks). */
export const sharedDeadlines: Deadlines = new Deadlines();
