/**
 * The pool's books of containers: which containers each function has (ready, busy, starting),
 * the memory and CPUs they hold against the node's capacity, blank containers, eviction under
 * the fairness floor (`eviction.ts`), starts through the start gate, removal and expiry. It
 * decides nothing about requests: `pool.ts` does, on top of it.
 *
 * @module
 */
import type { FunctionOccupancy } from "../../protocol/status.ts";
import type { ContainerBackend, ContainerHandle } from "../containers/backend.ts";
import type { OverloadedError } from "../errors.ts";
import { ColdStartDemand } from "./blank_demand.ts";
import { BLANK_MEMORY_MB, BlankContainers } from "./blank_containers.ts";
import { startContainer, type StartContext } from "./container_start.ts";
import { SilentImages } from "./silent_images.ts";
import { inSpan } from "../tracing/tracing.ts";
import { evictionOrder } from "./eviction.ts";
import type { PoolEstimates } from "./pool_estimates.ts";
import type { PooledContainer, PoolFunction } from "./pool_function.ts";
import { noRoom, shuttingDown, tooBig } from "./refusals.ts";
import { StartGate } from "./start_gate.ts";

/** Options of {@linkcode ContainerBook}. */
export interface ContainerBookOptions {
  /** Runs the containers. */
  backend: ContainerBackend;
  /** Milliseconds a new container's executor gets to answer. */
  readyTimeoutMs: number;
  /** Memory of the pool in MB. */
  memoryMB: number;
  /** CPUs of the pool. */
  cpus: number;
  /** Containers each function keeps against other functions' evictions. */
  floor: number;
  /** Containers started at once at most. */
  startParallel: number;
  /** Clock in milliseconds. */
  now: () => number;
  /** Most blank containers per image of `blankImages`. */
  maxBlankPerImage: number;
  /** Images kept blank. */
  blankImages: readonly string[];
  /** Where cold starts are measured. */
  estimates: PoolEstimates;
  /** Called when memory was given back (requests that found none may find it now). */
  onMemoryFreed: () => void;
}

/** A start of a container for a function, with its memory booked. */
export interface BookedStart {
  /** The blank container it takes, if one was free. */
  readonly blank?: ContainerHandle;
}

/** Containers, memory and CPUs of the pool. */
export class ContainerBook {
  readonly #options: ContainerBookOptions;
  readonly #containers = new Map<string, PooledContainer[]>();
  readonly #starting = new Map<string, { count: number; memoryMB: number; fn: PoolFunction }>();
  readonly #demand = new ColdStartDemand();
  readonly #gate: StartGate;
  readonly #blanks: BlankContainers;
  /** What each start of a container needs, the same for all of them. */
  readonly #startContext: StartContext;
  #usedMemoryMB = 0;
  #usedCpus = 0;
  #closed = false;

  /** @param options capacity, backend, floor, blank images and the pool's estimates */
  constructor(options: ContainerBookOptions) {
    this.#options = options;
    this.#gate = new StartGate(options.startParallel);
    this.#startContext = {
      backend: options.backend,
      readyTimeoutMs: options.readyTimeoutMs,
      silentImages: new SilentImages(options.now),
    };
    this.#blanks = new BlankContainers({
      backend: options.backend,
      images: options.blankImages,
      maxPerImage: options.maxBlankPerImage,
      demand: this.#demand,
      gate: this.#gate,
      now: options.now,
      readyTimeoutMs: options.readyTimeoutMs,
      ledger: {
        tryReserve: (memoryMB) => {
          if (this.#closed || !this.#fits(memoryMB)) return false;
          this.#usedMemoryMB += memoryMB;
          return true;
        },
        release: (memoryMB) => this.#freeMemory(memoryMB),
      },
    });
  }

  /** Whether the books are closed (the node is shutting down). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Starts blank containers up to their number, as far as memory allows without evicting. */
  fillBlanks(): void {
    this.#blanks.fill();
  }

  /** Whether a blank container for `fn`'s image is ready to take. */
  hasBlank(fn: PoolFunction): boolean {
    return this.#blanks.has(fn.image);
  }

  /** The container of `fn`'s version with a free slot, the least busy first. */
  findWarm(fn: PoolFunction): PooledContainer | undefined {
    let best: PooledContainer | undefined;
    for (const c of this.#containers.get(fn.name) ?? []) {
      if (c.retired || c.version !== fn.version) continue;
      if (c.active >= fn.maxConcurrency) continue;
      if (!best || c.active < best.active) best = c;
      if (c.active === 0) break;
    }
    return best;
  }

  /** The ready containers of `fn`'s version, busy or not. */
  *ready(fn: PoolFunction): IterableIterator<PooledContainer> {
    for (const c of this.#containers.get(fn.name) ?? []) {
      if (!c.retired && c.version === fn.version) yield c;
    }
  }

  /** Ready containers of `fn`'s version, busy or not. */
  readyCount(fn: PoolFunction): number {
    let n = 0;
    for (const _ of this.ready(fn)) n++;
    return n;
  }

  /** The functions with containers being started (one of their definitions each). */
  *startingFunctions(): IterableIterator<PoolFunction> {
    for (const starting of this.#starting.values()) yield starting.fn;
  }

  /** Whether the CPUs one invocation of `fn` reserves are free. */
  cpuFree(fn: PoolFunction): boolean {
    return fn.cpus <= 0 || this.#usedCpus + fn.cpus <= this.#options.cpus + 1e-9;
  }

  /** Reserves (a positive number) or gives back (a negative one) CPUs of invocations. */
  bookCpus(cpus: number): void {
    this.#usedCpus += cpus;
  }

  /** Why `fn` can never run in this pool, or `undefined`. */
  capacityError(fn: PoolFunction): OverloadedError | undefined {
    const { cpus, memoryMB } = this.#options;
    if (this.#closed) return shuttingDown();
    if (fn.memoryMB > memoryMB) return tooBig(fn.name, `${fn.memoryMB} MB`, `${memoryMB} MB`);
    if (fn.cpus > cpus + 1e-9) return tooBig(fn.name, `${fn.cpus} CPUs`, `${cpus}`);
    return undefined;
  }

  /** Says that `fn` finds no CPU or no memory now. */
  noRoomError(fn: PoolFunction): OverloadedError {
    const { cpus, memoryMB } = this.#options;
    return this.cpuFree(fn)
      ? noRoom(
        "memory",
        fn.name,
        `${fn.memoryMB} MB`,
        memoryMB - this.#usedMemoryMB,
        memoryMB,
        " MB",
      )
      : noRoom("CPU", fn.name, `${fn.cpus}`, cpus - this.#usedCpus, cpus, "");
  }

  /** How many new containers of `fn` would find memory, evicting what they may. */
  roomFor(fn: PoolFunction): number {
    const free = this.#options.memoryMB - this.#usedMemoryMB + this.#freeableFor(fn);
    return Math.max(0, Math.floor(free / fn.memoryMB));
  }

  /** Whether a new container of `fn` would find memory, evicting what it may. */
  canMakeRoom(fn: PoolFunction): boolean {
    const needed = fn.memoryMB - (this.#blanks.has(fn.image) ? BLANK_MEMORY_MB : 0);
    return this.#fits(needed) || this.#freeableFor(fn) >= this.#shortfall(needed);
  }

  /**
   * Books the memory of a new container of `fn` (a blank container's when one is free),
   * evicting blank containers first, then the idle containers eviction allows; `undefined`
   * (and nothing evicted) when that would not be enough.
   *
   * @param options.blank whether a blank container may be taken @default true
   */
  book(fn: PoolFunction, options: { blank?: boolean } = {}): BookedStart | undefined {
    const blank = options.blank === false ? undefined : this.#blanks.take(fn.image);
    const needed = fn.memoryMB - (blank ? BLANK_MEMORY_MB : 0);
    if (!this.#fits(needed)) {
      const victims = this.#victims(fn);
      if (this.#blanks.evictableMB + totalMemory(victims) < this.#shortfall(needed)) {
        if (blank) this.#blanks.putBack(fn.image, blank);
        return undefined;
      }
      while (!this.#fits(needed) && this.#blanks.evictOne() > 0);
      for (const container of victims) {
        if (this.#fits(needed)) break;
        this.#detach(container);
        this.#options.backend.remove(container.id).catch((error) =>
          console.error(`Could not remove evicted container ${container.id}:`, error)
        );
      }
    }
    this.#usedMemoryMB += needed;
    return blank ? { blank } : {};
  }

  /**
   * Books the memory of a new container of `fn` only when it fits without evicting (prewarming).
   */
  bookWithoutEvicting(fn: PoolFunction): BookedStart | undefined {
    if (this.#closed || !this.#fits(fn.memoryMB)) return undefined;
    this.#usedMemoryMB += fn.memoryMB;
    return {};
  }

  /**
   * Starts the container of a booked start through the start gate (`demand` starts go before
   * blank refills) and adds it to the books; gives the memory back when the start fails.
   */
  async launch(fn: PoolFunction, booked: BookedStart): Promise<PooledContainer> {
    const { blank } = booked;
    const starting = this.#starting.get(fn.name) ?? { count: 0, memoryMB: 0, fn };
    starting.count++;
    starting.memoryMB += fn.memoryMB;
    this.#starting.set(fn.name, starting);
    let handle: ContainerHandle;
    try {
      handle = await this.#gate.run("demand", async () => {
        if (this.#closed) throw shuttingDown();
        const began = this.#options.now();
        const attributes = { "serverledge.image": fn.image, "serverledge.blank": !!blank };
        const started = await inSpan(
          "container.start",
          attributes,
          () => startContainer(this.#startContext, fn, blank),
        );
        const seconds = (this.#options.now() - began) / 1000;
        this.#options.estimates.recordColdStart(fn.image, !!blank, seconds);
        return started;
      });
    } catch (error) {
      if (blank && this.#closed) this.#options.backend.remove(blank.id).catch(() => {});
      this.#freeMemory(fn.memoryMB);
      throw error;
    } finally {
      starting.count--;
      starting.memoryMB -= fn.memoryMB;
      if (starting.count === 0) this.#starting.delete(fn.name);
      if (blank) this.#blanks.fill();
    }
    const now = this.#options.now();
    const container: PooledContainer = {
      id: handle.id,
      executor: handle.executor,
      functionName: fn.name,
      version: fn.version,
      memoryMB: fn.memoryMB,
      readyAt: now,
      served: 0,
      active: 0,
      lastUsed: now,
      retired: false,
    };
    const list = this.#containers.get(fn.name) ?? [];
    list.push(container);
    this.#containers.set(fn.name, list);
    if (this.#closed) await this.remove(container);
    return container;
  }

  /** Counts a cold start of `fn`'s image for a waiting request (blank containers follow). */
  countColdStart(fn: PoolFunction): void {
    this.#demand.record(fn.image, this.#options.now());
  }

  /** Removes a container from the books and from the backend. */
  async remove(container: PooledContainer): Promise<void> {
    if (!this.#detach(container)) return;
    this.#options.onMemoryFreed();
    try {
      await this.#options.backend.remove(container.id);
    } catch (error) {
      console.error(`Could not remove container ${container.id}:`, error);
    }
  }

  /**
   * Retires the containers of function `name` except those of `keepVersion`: idle ones are
   * removed now, busy ones when their invocation ends.
   */
  async retire(name: string, keepVersion?: string): Promise<void> {
    const doomed = (this.#containers.get(name) ?? []).filter((c) => c.version !== keepVersion);
    for (const container of doomed) container.retired = true;
    await Promise.all(doomed.filter((c) => c.active === 0).map((c) => this.remove(c)));
  }

  /**
   * Removes idle containers last used at or before `limit` (ms) and brings the blank
   * containers to their number; resolves how many containers expired.
   */
  async expireIdle(limit: number): Promise<number> {
    const expired = this.#all().filter((c) => c.active === 0 && c.lastUsed <= limit);
    await Promise.all(expired.map((c) => this.remove(c)));
    this.#blanks.trim();
    this.#blanks.fill();
    return expired.length;
  }

  /** Occupancy per function (`Waiting` is the pool's to fill in). */
  occupancy(): Record<string, FunctionOccupancy> {
    const functions: Record<string, FunctionOccupancy> = {};
    const entry = (name: string) =>
      functions[name] ??= { Idle: 0, Busy: 0, Starting: 0, Waiting: 0, MemoryMB: 0 };
    for (const container of this.#all()) {
      const occupancy = entry(container.functionName);
      if (container.active > 0) occupancy.Busy++;
      else occupancy.Idle++;
      occupancy.MemoryMB += container.memoryMB;
    }
    for (const [name, starting] of this.#starting) {
      entry(name).Starting += starting.count;
      entry(name).MemoryMB += starting.memoryMB;
    }
    return functions;
  }

  /** Memory and CPUs in use and the ready blank containers. */
  usage(): { memoryMB: number; cpus: number; blank: number } {
    return { memoryMB: this.#usedMemoryMB, cpus: this.#usedCpus, blank: this.#blanks.count };
  }

  /** Idle warm containers per function (Serverledge's `AvailableWarmContainers`). */
  warmCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.#all()) {
      if (c.active === 0 && !c.retired) counts[c.functionName] = (counts[c.functionName] ?? 0) + 1;
    }
    return counts;
  }

  /** Removes every container and starts no more. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#all().map((c) => this.remove(c)), this.#blanks.close()]);
  }

  #fits(memoryMB: number): boolean {
    return this.#usedMemoryMB + memoryMB <= this.#options.memoryMB;
  }

  /** MB missing for `memoryMB` more. */
  #shortfall(memoryMB: number): number {
    return this.#usedMemoryMB + memoryMB - this.#options.memoryMB;
  }

  /** Memory eviction may free for `fn`: blank containers and the idle containers it may take. */
  #freeableFor(fn: PoolFunction): number {
    return this.#blanks.evictableMB + totalMemory(this.#victims(fn));
  }

  /** The idle containers that may go for `fn`, in eviction order. */
  #victims(fn: PoolFunction): PooledContainer[] {
    const owned = (this.#containers.get(fn.name)?.length ?? 0) +
      (this.#starting.get(fn.name)?.count ?? 0);
    return evictionOrder(this.#all(), fn.name, this.#options.floor, owned);
  }

  #freeMemory(memoryMB: number): void {
    this.#usedMemoryMB -= memoryMB;
    this.#options.onMemoryFreed();
  }

  /** Takes a container out of the books; false when it was not there (already removed). */
  #detach(container: PooledContainer): boolean {
    const list = this.#containers.get(container.functionName);
    const index = list?.indexOf(container) ?? -1;
    if (!list || index === -1) return false;
    list.splice(index, 1);
    if (list.length === 0) this.#containers.delete(container.functionName);
    this.#usedMemoryMB -= container.memoryMB;
    container.retired = true;
    return true;
  }

  #all(): PooledContainer[] {
    return [...this.#containers.values()].flat();
  }
}

function totalMemory(containers: readonly PooledContainer[]): number {
  return containers.reduce((n, c) => n + c.memoryMB, 0);
}
