/**
 * The container pool: per function, warm containers (idle or busy), memory and CPU accounting
 * against the node's capacity, least-recently-used eviction, expiry of idle containers and
 * prewarming. One request per container unless the function's `MaxConcurrency` allows more.
 *
 * @module
 */
import type { FunctionOccupancy, PoolStatus } from "../../protocol/status.ts";
import type { ContainerBackend, ContainerHandle } from "../containers/backend.ts";
import type { Executor, ExecutorCode } from "../containers/executor.ts";
import { FreezeWatch } from "../containers/freeze_watch.ts";
import { OverloadedError } from "../errors.ts";
import { BLANK_MEMORY_MB, BlankContainers } from "./blank_containers.ts";

/** What the pool needs to know of a function to run containers for it. */
export interface PoolFunction {
  /** Function name. */
  readonly name: string;
  /** Version of its definition; containers of other versions do not serve it. */
  readonly version: string;
  /** Image its containers run. */
  readonly image: string;
  /** Memory of each container, MB. */
  readonly memoryMB: number;
  /** CPUs one invocation reserves and a container may use; 0 for no limit. */
  readonly cpus: number;
  /** Invocations one container may serve at once. */
  readonly maxConcurrency: number;
  /** Its code, ready for a new container's executor. */
  readonly code: ExecutorCode;
}

/** Options of {@linkcode ContainerPool}. */
export interface PoolOptions {
  /** Runs the containers. */
  backend: ContainerBackend;
  /** Milliseconds a new container's executor gets to answer. */
  readyTimeoutMs: number;
  /** Memory of the pool in MB (`container.pool.memory`). */
  memoryMB: number;
  /** CPUs of the pool (`container.pool.cpus`). */
  cpus: number;
  /** Seconds an idle container is kept (`container.expiration`). */
  expirationSeconds: number;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
  /** Called whenever a container slot, memory or CPU is given back (wakes waiting requests). */
  onCapacityFreed?: () => void;
  /** Blank containers kept per image of {@linkcode PoolOptions.blankImages}. @default 0 */
  blankPerImage?: number;
  /** Images kept blank (the built-in runtimes'). @default [] */
  blankImages?: readonly string[];
}

/** A container the pool owns. */
export interface PooledContainer {
  /** Backend id. */
  readonly id: string;
  /** Its executor: the lease holder invokes the function through it. */
  readonly executor: Executor;
  /** Function it serves. */
  readonly functionName: string;
  /** Version of the definition its code came from. */
  readonly version: string;
  /** Memory it holds, in MB. */
  readonly memoryMB: number;
  /** Invocations it is serving now. */
  active: number;
  /** When it last finished an invocation (ms). */
  lastUsed: number;
  /** Set when it must not serve again; removed when its last invocation ends. */
  retired: boolean;
}

/** A container handed out for one invocation; give it back with {@linkcode ContainerPool.release}. */
export interface Lease {
  /** The container serving the invocation. */
  container: PooledContainer;
  /** Whether the container was already running (no cold start). */
  warm: boolean;
  /** Seconds spent starting and initialising a container (0 when warm). */
  initTime: number;
  /** CPUs reserved for the invocation. */
  cpus: number;
}

/** The node's container pool. */
export class ContainerPool {
  readonly #options: PoolOptions;
  readonly #now: () => number;
  readonly #containers = new Map<string, PooledContainer[]>();
  readonly #starting = new Map<string, { count: number; memoryMB: number }>();
  readonly #blanks: BlankContainers;
  #usedMemoryMB = 0;
  #usedCpus = 0;
  #closed = false;

  /**
   * Creates an empty pool; containers are started on demand (call
   * {@linkcode ContainerPool.fillBlanks} to start blank ones).
   */
  constructor(options: PoolOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#blanks = new BlankContainers({
      backend: options.backend,
      images: options.blankImages ?? [],
      perImage: options.blankPerImage ?? 0,
      readyTimeoutMs: options.readyTimeoutMs,
      ledger: {
        tryReserve: (memoryMB) => {
          if (this.#closed || !this.#fits(memoryMB)) return false;
          this.#usedMemoryMB += memoryMB;
          return true;
        },
        release: (memoryMB) => {
          this.#usedMemoryMB -= memoryMB;
          this.#options.onCapacityFreed?.();
        },
      },
    });
  }

  /** Starts blank containers up to their number, as far as memory allows without evicting. */
  fillBlanks(): void {
    this.#blanks.fill();
  }

  /**
   * A container for one invocation of `fn`: a warm one when there is one with a free
   * slot (unless `fresh`), else a new one (evicting idle containers of least recently used
   * functions when memory is short). Throws `OverloadedError` when neither memory nor CPU can
   * be found.
   *
   * @param options.fresh start a new container even when a warm one is free (the invoker asks
   * for one after a warm container turned out dead or frozen: the others may be too)
   */
  async acquire(fn: PoolFunction, options: { fresh?: boolean } = {}): Promise<Lease> {
    const cpus = this.#reserveCpus(fn);
    try {
      const warm = options.fresh ? undefined : this.#findWarm(fn);
      if (warm) {
        warm.active++;
        return { container: warm, warm: true, initTime: 0, cpus };
      }
      const started = this.#now();
      const container = await this.#startContainer(fn, true);
      container.active = 1;
      return { container, warm: false, initTime: (this.#now() - started) / 1000, cpus };
    } catch (error) {
      this.#usedCpus -= cpus;
      throw error;
    }
  }

  /** Gives a container back; a broken or retired one is removed instead of kept warm. */
  async release(lease: Lease, broken = false): Promise<void> {
    const { container } = lease;
    this.#usedCpus -= lease.cpus;
    lease.cpus = 0;
    container.active--;
    container.lastUsed = this.#now();
    if (broken) container.retired = true;
    if (container.retired && container.active === 0) await this.#remove(container);
    this.#options.onCapacityFreed?.();
  }

  /**
   * Starts up to `count` idle containers for `fn`, without evicting others; resolves
   * how many were started.
   */
  async prewarm(fn: PoolFunction, count: number): Promise<number> {
    const starts: Promise<PooledContainer>[] = [];
    for (let i = 0; i < count; i++) {
      if (!this.#fits(fn.memoryMB)) break;
      starts.push(this.#startContainer(fn, false));
    }
    const results = await Promise.allSettled(starts);
    const failure = results.find((r) => r.status === "rejected");
    const started = results.filter((r) => r.status === "fulfilled").length;
    if (started === 0 && failure) throw failure.reason;
    return started;
  }

  /**
   * Retires the containers of function `name` except those of `keepVersion`: idle ones are
   * removed now, busy ones when their invocation ends.
   */
  async retire(name: string, keepVersion?: string): Promise<void> {
    const doomed = (this.#containers.get(name) ?? []).filter((c) => c.version !== keepVersion);
    for (const container of doomed) container.retired = true;
    await Promise.all(doomed.filter((c) => c.active === 0).map((c) => this.#remove(c)));
  }

  /**
   * Removes idle containers unused for longer than the expiration and tops blank containers up;
   * resolves how many expired.
   */
  async expireIdle(): Promise<number> {
    const limit = this.#now() - this.#options.expirationSeconds * 1000;
    const expired = this.#all().filter((c) => c.active === 0 && c.lastUsed <= limit);
    await Promise.all(expired.map((c) => this.#remove(c)));
    this.#blanks.fill();
    return expired.length;
  }

  /** Current occupancy, as `/status` shows it. */
  stats(): PoolStatus {
    const functions: Record<string, FunctionOccupancy> = {};
    const entry = (name: string) =>
      functions[name] ??= { Idle: 0, Busy: 0, Starting: 0, MemoryMB: 0 };
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
    return {
      MemoryMB: this.#options.memoryMB,
      UsedMemoryMB: this.#usedMemoryMB,
      Cpus: this.#options.cpus,
      UsedCpus: this.#usedCpus,
      Blank: this.#blanks.count,
      Functions: functions,
    };
  }

  /**
   * Whether `fn` could be served now without waiting: a warm container with a free slot,
   * or room (after evicting idle containers) for a new one; and CPU for the invocation.
   */
  availability(fn: PoolFunction): { warm: boolean; fits: boolean } {
    const cpuFree = fn.cpus <= 0 || this.#usedCpus + fn.cpus <= this.#options.cpus + 1e-9;
    if (!cpuFree) return { warm: false, fits: false };
    if (this.#findWarm(fn)) return { warm: true, fits: true };
    const needed = fn.memoryMB - (this.#blanks.has(fn.image) ? BLANK_MEMORY_MB : 0);
    return {
      warm: false,
      fits: this.#usedMemoryMB - this.#freeableMB() + needed <= this.#options.memoryMB,
    };
  }

  /** Idle warm containers per function (Serverledge's `AvailableWarmContainers`). */
  warmCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.#all()) {
      if (c.active === 0 && !c.retired) counts[c.functionName] = (counts[c.functionName] ?? 0) + 1;
    }
    return counts;
  }

  /** Removes every container; the pool refuses work afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#all().map((c) => this.#remove(c)), this.#blanks.close()]);
  }

  #findWarm(fn: PoolFunction): PooledContainer | undefined {
    let best: PooledContainer | undefined;
    for (const c of this.#containers.get(fn.name) ?? []) {
      if (c.retired || c.version !== fn.version) continue;
      if (c.active >= fn.maxConcurrency) continue;
      if (!best || c.active < best.active) best = c;
      if (c.active === 0) break;
    }
    return best;
  }

  #reserveCpus(fn: PoolFunction): number {
    const demand = fn.cpus;
    if (demand <= 0) return 0;
    if (this.#usedCpus + demand > this.#options.cpus + 1e-9) {
      throw new OverloadedError(
        `Node has no CPU for function "${fn.name}": it needs ${demand}, ` +
          `${round(this.#options.cpus - this.#usedCpus)} of ${this.#options.cpus} are free`,
      );
    }
    this.#usedCpus += demand;
    return demand;
  }

  async #startContainer(fn: PoolFunction, evict: boolean): Promise<PooledContainer> {
    if (this.#closed) throw new OverloadedError("Node is shutting down");
    const { memoryMB, image } = fn;
    const blank = this.#blanks.take(image);
    const needed = memoryMB - (blank ? BLANK_MEMORY_MB : 0);
    if (!this.#fits(needed) && evict) this.#evictFor(needed);
    if (!this.#fits(needed)) {
      if (blank) this.#blanks.putBack(image, blank);
      throw new OverloadedError(
        `Node has no memory for function "${fn.name}": it needs ${memoryMB} MB, ` +
          `${this.#options.memoryMB - this.#usedMemoryMB} of ${this.#options.memoryMB} MB are free`,
      );
    }
    this.#usedMemoryMB += needed;
    const starting = this.#starting.get(fn.name) ?? { count: 0, memoryMB: 0 };
    starting.count++;
    starting.memoryMB += memoryMB;
    this.#starting.set(fn.name, starting);
    let handle: ContainerHandle | undefined;
    try {
      handle = blank && await this.#prepareBlank(blank, fn);
      if (!handle) {
        handle = await this.#options.backend.start({
          image,
          memoryMB,
          cpus: fn.cpus,
          labels: { "serverledge.function": fn.name },
        });
        await handle.executor.waitUntilReady(this.#options.readyTimeoutMs);
        await handle.executor.init(fn.code);
      }
    } catch (error) {
      this.#usedMemoryMB -= memoryMB;
      if (handle) await this.#options.backend.remove(handle.id).catch(() => {});
      throw error;
    } finally {
      starting.count--;
      starting.memoryMB -= memoryMB;
      if (starting.count === 0) this.#starting.delete(fn.name);
      if (blank) this.#blanks.fill();
    }
    const container: PooledContainer = {
      id: handle.id,
      executor: handle.executor,
      functionName: fn.name,
      version: fn.version,
      memoryMB,
      active: 0,
      lastUsed: this.#now(),
      retired: this.#closed,
    };
    const list = this.#containers.get(fn.name) ?? [];
    list.push(container);
    this.#containers.set(fn.name, list);
    return container;
  }

  /**
   * Resizes a blank container to `fn`'s limits and gives it the code; `undefined` when the
   * blank died, was removed or froze meanwhile (it is then removed, and the caller starts a new
   * container in its place).
   */
  async #prepareBlank(
    blank: ContainerHandle,
    fn: PoolFunction,
  ): Promise<ContainerHandle | undefined> {
    const { backend } = this.#options;
    using watch = new FreezeWatch(backend, blank.id);
    try {
      await backend.resize(blank.id, { memoryMB: fn.memoryMB, cpus: fn.cpus });
      await blank.executor.init(fn.code, watch.signal);
      return blank;
    } catch (error) {
      console.warn(
        `Blank container ${blank.id.slice(0, 12)} could not take function "${fn.name}" ` +
          `(${(error as Error).message}): starting a new container`,
      );
      backend.remove(blank.id).catch(() => {});
      return undefined;
    }
  }

  #fits(memoryMB: number): boolean {
    return this.#usedMemoryMB + memoryMB <= this.#options.memoryMB;
  }

  /** Memory eviction could free: idle containers and blank ones. */
  #freeableMB(): number {
    const idle = this.#all().filter((c) => c.active === 0).reduce((n, c) => n + c.memoryMB, 0);
    return idle + this.#blanks.evictableMB;
  }

  /** Frees memory for `memoryMB` more, blank containers first, then LRU idle ones. */
  #evictFor(memoryMB: number): void {
    if (this.#usedMemoryMB + memoryMB - this.#options.memoryMB > this.#freeableMB()) return;
    while (!this.#fits(memoryMB) && this.#blanks.evictOne() > 0);
    const idle = this.#all()
      .filter((c) => c.active === 0)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    for (const container of idle) {
      if (this.#fits(memoryMB)) break;
      this.#detach(container);
      this.#options.backend.remove(container.id).catch((error) =>
        console.error(`Could not remove evicted container ${container.id}:`, error)
      );
    }
  }

  async #remove(container: PooledContainer): Promise<void> {
    if (!this.#detach(container)) return;
    this.#options.onCapacityFreed?.();
    try {
      await this.#options.backend.remove(container.id);
    } catch (error) {
      console.error(`Could not remove container ${container.id}:`, error);
    }
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

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
