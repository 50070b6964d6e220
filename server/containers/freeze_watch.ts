/**
 * Notices a frozen container while a call to its executor waits, and ends the call at its
 * deadline. A paused container (e.g. `docker pause`) still accepts connections, so the call
 * alone would wait for its whole timeout; the watch asks the backend instead. Its checks and
 * the call's deadline are armed on the process's shared {@linkcode sharedDeadlines}, so a call
 * answered within a few milliseconds arms no timer of its own.
 *
 * @module
 */
import { backoffDelay } from "../timing/backoff.ts";
import { type Deadline, sharedDeadlines } from "../timing/deadlines.ts";
import type { ContainerBackend } from "./backend.ts";

/**
 * When the watch asks whether the container is paused: once the call has waited `firstMs`,
 * then at intervals doubling up to `maxMs`.
 */
export const FREEZE_CHECKS = { firstMs: 500, maxMs: 4_000 } as const;

/** Options of {@linkcode FreezeWatch}. */
export interface FreezeWatchOptions {
  /**
   * Milliseconds after which the signal is aborted with a `TimeoutError`, as
   * `AbortSignal.timeout` would (the call's own deadline). @default none
   */
  timeoutMs?: number;
  /**
   * When given, the watch (its checks and its deadline) starts once this settles: for a call
   * written behind another, whose time starts when that one ends. @default at once
   */
  startsAfter?: Promise<unknown>;
}

/**
 * Watches one container while a call to its executor waits: its {@linkcode FreezeWatch.signal}
 * is aborted as soon as the backend says the container is paused, or when the call's deadline
 * passes. Stop it when the call ends.
 *
 * @example
 * ```ts
 * import type { ContainerBackend } from "./backend.ts";
 * import { FreezeWatch } from "./freeze_watch.ts";
 *
 * declare const backend: ContainerBackend;
 * using watch = new FreezeWatch(backend, "3f2a…", { timeoutMs: 60_000 });
 * await fetch("http://127.0.0.1:32768/invoke", { method: "POST", signal: watch.signal })
 *   .catch(() => console.log(watch.frozen ? "frozen" : "failed or timed out"));
 * ```
 */
export class FreezeWatch implements Disposable {
  readonly #backend: ContainerBackend;
  readonly #id: string;
  readonly #controller = new AbortController();
  #check: Deadline | undefined;
  #timeout: Deadline | undefined;
  #checks = 0;
  #frozen = false;
  #stopped = false;

  /** Starts watching container `id` of `backend`. */
  constructor(backend: ContainerBackend, id: string, options: FreezeWatchOptions = {}) {
    this.#backend = backend;
    this.#id = id;
    const { startsAfter, timeoutMs } = options;
    if (startsAfter) startsAfter.finally(() => this.#start(timeoutMs)).catch(() => {});
    else this.#start(timeoutMs);
  }

  /** Aborted once the container was found paused, or the deadline passed. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the container was found paused. */
  get frozen(): boolean {
    return this.#frozen;
  }

  /** Stops asking and drops the deadline (the call ended). */
  stop(): void {
    this.#stop();
    this.#timeout?.cancel();
  }

  /** Same as {@linkcode FreezeWatch.stop}, for `using`. */
  [Symbol.dispose](): void {
    this.stop();
  }

  #start(timeoutMs: number | undefined): void {
    if (this.#stopped) return;
    this.#schedule();
    if (timeoutMs !== undefined) {
      this.#timeout = sharedDeadlines.arm(timeoutMs, () => {
        this.#stop();
        this.#controller.abort(new DOMException("Signal timed out.", "TimeoutError"));
      });
    }
  }

  #stop(): void {
    this.#stopped = true;
    this.#check?.cancel();
  }

  #schedule(): void {
    this.#check = sharedDeadlines.arm(
      backoffDelay(this.#checks++, FREEZE_CHECKS),
      () => this.#inspect(),
    );
  }

  async #inspect(): Promise<void> {
    this.#check = undefined;
    const state = await this.#backend.inspect(this.#id).catch(() => undefined);
    if (this.#stopped) return;
    if (state?.paused) {
      this.#frozen = true;
      this.stop();
      this.#controller.abort(new Error(`Container ${this.#id} is paused`));
      return;
    }
    this.#schedule();
  }
}
