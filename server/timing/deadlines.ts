/**
 * Many deadlines on one timer. Every warm invocation arms a timeout and a freeze check, and
 * almost all of them are cancelled within a millisecond; a timer of its own for each (or an
 * `AbortSignal.timeout` joined by `AbortSignal.any`) costs several µs of CPU per call. Here
 * the deadlines of one delay wait in a first-in-first-out queue (they fall due in the order they
 * were armed), one timer is armed for the earliest live deadline of all queues, and cancelling
 * only marks the entry, unless it was the last live one (the timer is then cleared, so nothing
 * stays pending when no deadline does).
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

/** Entries a queue may hold beyond its live ones before the cancelled ones are swept out. */
const SWEEP_SLACK = 1024;

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
    this.#live++;
    if (queue.entries.length - queue.head > this.#live + SWEEP_SLACK) sweep(queue);
    if (entry.at < this.#timerAt) this.#setTimer(entry.at);
    return entry;
  }

  #cancel(entry: Entry): void {
    if (entry.run === undefined) return;
    entry.run = undefined;
    if (--this.#live === 0) this.#clearTimer();
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
        next = Math.min(next, entries[queue.head].at);
      }
    }
    if (next !== Infinity) this.#setTimer(next);
    for (const run of due) run();
  }

  #setTimer(at: number): void {
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()));
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
