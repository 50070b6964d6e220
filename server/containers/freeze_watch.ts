/**
 * Notices a frozen container while a call to its executor waits. A paused container (e.g.
 * `docker pause`) still accepts connections, so the call alone would wait for its whole
 * timeout; the watch asks the backend instead.
 *
 * @module
 */
import { backoffDelay } from "../timing/backoff.ts";
import type { ContainerBackend } from "./backend.ts";

/**
 * When the watch asks whether the container is paused: once the call has waited `firstMs`,
 * then at intervals doubling up to `maxMs`. A call answered within `firstMs` costs nothing.
 */
export const FREEZE_CHECKS = { firstMs: 500, maxMs: 4_000 } as const;

/**
 * Watches one container while a call to its executor waits: its {@linkcode FreezeWatch.signal}
 * is aborted as soon as the backend says the container is paused. Stop it when the call ends.
 *
 * @example
 * ```ts
 * import type { ContainerBackend } from "./backend.ts";
 * import { FreezeWatch } from "./freeze_watch.ts";
 *
 * declare const backend: ContainerBackend;
 * using watch = new FreezeWatch(backend, "3f2a…");
 * await fetch("http://127.0.0.1:32768/invoke", { method: "POST", signal: watch.signal })
 *   .catch(() => console.log(watch.frozen ? "frozen" : "failed"));
 * ```
 */
export class FreezeWatch implements Disposable {
  readonly #backend: ContainerBackend;
  readonly #id: string;
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #checks = 0;
  #stopped = false;

  /** Starts watching container `id` of `backend`. */
  constructor(backend: ContainerBackend, id: string) {
    this.#backend = backend;
    this.#id = id;
    this.#schedule();
  }

  /** Aborted once the container was found paused. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the container was found paused. */
  get frozen(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Stops asking (the call ended). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Same as {@linkcode FreezeWatch.stop}, for `using`. */
  [Symbol.dispose](): void {
    this.stop();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => this.#check(), backoffDelay(this.#checks++, FREEZE_CHECKS));
  }

  async #check(): Promise<void> {
    const state = await this.#backend.inspect(this.#id).catch(() => undefined);
    if (this.#stopped) return;
    if (state?.paused) {
      this.#controller.abort(new Error(`Container ${this.#id} is paused`));
      return;
    }
    this.#schedule();
  }
}
