/**
 * Blank containers: executors of the built-in runtimes started ahead of need, holding no
 * function. A cold start takes one, resizes it to the function's limits and hands it the code
 * over HTTP, which skips creating and starting a container (most of a cold start's time).
 * How many are kept per image follows recent cold starts of that image (see `blank_demand.ts`),
 * as far as memory allows; they are started through the pool's start gate, after the starts
 * that requests wait for.
 *
 * @module
 */
import type { ContainerBackend, ContainerHandle } from "../containers/backend.ts";
import type { ColdStartDemand } from "./blank_demand.ts";
import type { StartGate } from "./start_gate.ts";

/** Memory a ready blank container holds, as its limit and in the pool's books, MB. */
export const BLANK_MEMORY_MB = 32;
/**
 * Memory a blank container starts with, MB, booked until its executor answers; it is then
 * resized to {@linkcode BLANK_MEMORY_MB}. The kernel charges the page cache a container reads to
 * that container: a runtime whose binary is not cached yet (after a boot, or once memory
 * pressure evicted it) reads 90 to 100 MB of it (Node.js, Deno), and within 32 MB it thrashes
 * for minutes without answering; within this much it starts in under a second. Once it is
 * ready and idle, the resize drops the cached pages beyond the smaller limit.
 */
export const BLANK_START_MEMORY_MB = 128;
/**
 * Milliseconds until blank containers are started again after a start failed: the first wait,
 * doubled after each failure in a row up to the longest.
 */
export const BLANK_RETRY_MS = { first: 1000, longest: 60_000 };

/** The pool's memory books, as blank containers use them. */
export interface MemoryLedger {
  /** Reserves `memoryMB` when it fits without evicting anything; false otherwise. */
  tryReserve(memoryMB: number): boolean;
  /** Gives back `memoryMB`. */
  release(memoryMB: number): void;
}

/** Options of {@linkcode BlankContainers}. */
export interface BlankContainersOptions {
  /** Runs the containers. */
  backend: ContainerBackend;
  /** Images kept blank (the built-in runtimes'). */
  images: readonly string[];
  /** Most blank containers kept per image (`container.pool.blank`); 0 keeps none. */
  maxPerImage: number;
  /** Recent cold starts per image, which set how many are kept. */
  demand: ColdStartDemand;
  /** Where their starts wait their turn. */
  gate: StartGate;
  /** Clock in milliseconds. */
  now: () => number;
  /** Milliseconds a started container's executor gets to answer. */
  readyTimeoutMs: number;
  /** Where their memory is booked. */
  ledger: MemoryLedger;
}

/** Ready blank containers per image, topped up in the background. */
export class BlankContainers {
  readonly #options: BlankContainersOptions;
  readonly #ready = new Map<string, ContainerHandle[]>();
  readonly #starting = new Map<string, number>();
  #closed = false;
  #retryMs = BLANK_RETRY_MS.first;
  #retry: ReturnType<typeof setTimeout> | undefined;

  /** @param options backend, images, how many, readiness check and memory books */
  constructor(options: BlankContainersOptions) {
    this.#options = options;
  }

  /** Ready blank containers, all images together. */
  get count(): number {
    let n = 0;
    for (const list of this.#ready.values()) n += list.length;
    return n;
  }

  /** Whether a ready blank container of `image` is there to take. */
  has(image: string): boolean {
    return (this.#ready.get(image)?.length ?? 0) > 0;
  }

  /**
   * Takes a ready blank container of `image` (its {@linkcode BLANK_MEMORY_MB} stay booked to
   * the caller); `undefined` when there is none. The caller calls
   * {@linkcode BlankContainers.fill} once it has booked the rest of its memory.
   */
  take(image: string): ContainerHandle | undefined {
    return this.#ready.get(image)?.shift();
  }

  /** Gives back a container taken but not used (its memory is still booked). */
  putBack(image: string, handle: ContainerHandle): void {
    if (this.#closed) {
      this.#discard(handle);
      return;
    }
    this.#ready.set(image, [handle, ...(this.#ready.get(image) ?? [])]);
  }

  /** Removes one blank container to make room; returns the MB freed (0 when none). */
  evictOne(): number {
    for (const list of this.#ready.values()) {
      const handle = list.pop();
      if (handle) {
        this.#discard(handle);
        return BLANK_MEMORY_MB;
      }
    }
    return 0;
  }

  /** Memory blank containers hold that eviction could free, MB. */
  get evictableMB(): number {
    return this.count * BLANK_MEMORY_MB;
  }

  /** Starts blank containers until each image has its number, as far as memory allows. */
  fill(): void {
    if (this.#closed) return;
    for (const image of this.#options.images) {
      const missing = this.#target(image) - (this.#ready.get(image)?.length ?? 0) -
        (this.#starting.get(image) ?? 0);
      for (let i = 0; i < missing; i++) {
        if (!this.#options.ledger.tryReserve(BLANK_START_MEMORY_MB)) return;
        this.#start(image);
      }
    }
  }

  /** Removes ready blank containers beyond their image's number (demand went down). */
  trim(): void {
    for (const [image, list] of this.#ready) {
      const surplus = list.length + (this.#starting.get(image) ?? 0) - this.#target(image);
      for (const handle of list.splice(0, Math.max(0, Math.min(surplus, list.length)))) {
        this.#discard(handle);
      }
    }
  }

  #target(image: string): number {
    return this.#options.demand.target(image, this.#options.now(), this.#options.maxPerImage);
  }

  /** Removes every blank container and starts no more. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const all = [...this.#ready.values()].flat();
    this.#ready.clear();
    await Promise.all(all.map((handle) => this.#discard(handle)));
  }

  async #start(image: string): Promise<void> {
    this.#starting.set(image, (this.#starting.get(image) ?? 0) + 1);
    const { backend, ledger } = this.#options;
    let handle: ContainerHandle | undefined;
    let bookedMB = BLANK_START_MEMORY_MB;
    try {
      handle = await this.#options.gate.run("refill", async () => {
        if (this.#closed) throw new Error("the pool is closing");
        const started = await backend.start({
          image,
          memoryMB: BLANK_START_MEMORY_MB,
          cpus: 0,
          labels: { "serverledge.blank": "true" },
        });
        handle = started;
        await started.executor.waitUntilReady(this.#options.readyTimeoutMs);
        await backend.resize(started.id, { memoryMB: BLANK_MEMORY_MB, cpus: 0 });
        ledger.release(BLANK_START_MEMORY_MB - BLANK_MEMORY_MB);
        bookedMB = BLANK_MEMORY_MB;
        return started;
      });
      if (this.#closed) throw new Error("the pool is closing");
      this.#ready.set(image, [...(this.#ready.get(image) ?? []), handle]);
      this.#retryMs = BLANK_RETRY_MS.first;
      this.fill(); // what it no longer books may start another one
    } catch (error) {
      if (handle) await backend.remove(handle.id).catch(() => {});
      ledger.release(bookedMB);
      if (!this.#closed) {
        console.error(
          `Could not start a blank "${image}" container (trying again in ${this.#retryMs} ms):`,
          error,
        );
        this.#fillLater();
      }
    } finally {
      this.#starting.set(image, (this.#starting.get(image) ?? 1) - 1);
    }
  }

  /** Fills again after the retry wait (once, however many starts failed meanwhile). */
  #fillLater(): void {
    if (this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.fill();
    }, this.#retryMs);
    Deno.unrefTimer(this.#retry);
    this.#retryMs = Math.min(2 * this.#retryMs, BLANK_RETRY_MS.longest);
  }

  async #discard(handle: ContainerHandle): Promise<void> {
    this.#options.ledger.release(BLANK_MEMORY_MB);
    await this.#options.backend.remove(handle.id).catch((error) =>
      console.error(`Could not remove blank container ${handle.id}:`, error)
    );
  }
}
