/**
 * The container pool: per function, warm containers (idle or busy) and a queue of the requests
 * waiting for one; memory and CPU accounting against the node's capacity; eviction with a
 * fairness floor; expiry of idle containers; prewarming and blank containers.
 *
 * Dispatch is work-conserving: a request takes a free slot at once, else waits in its
 * function's queue (first come, first served) for the first slot that frees up, on a busy
 * container or on one started meanwhile, whichever comes first. Containers are started from the
 * queue's demand (see `scale_rule.ts`), in the background, through a gate that bounds how many
 * start at once (`start_gate.ts`). A request is refused (`OverloadedError`) at once when its
 * queue is full or the expected wait exceeds what it may wait, and when its wait runs out.
 *
 * @module
 */
import type { FunctionOccupancy, PoolStatus } from "../../protocol/status.ts";
import type { ContainerBackend, ContainerHandle } from "../containers/backend.ts";
import { OverloadedError, UnavailableError } from "../errors.ts";
import { ColdStartDemand } from "./blank_demand.ts";
import { BLANK_MEMORY_MB, BlankContainers } from "./blank_containers.ts";
import { startContainer } from "./container_start.ts";
import { evictionOrder } from "./eviction.ts";
import { PoolEstimates } from "./pool_estimates.ts";
import type { Lease, PooledContainer, PoolFunction } from "./pool_function.ts";
import { expectedWait, type QueueFigures, wantsAnotherContainer } from "./scale_rule.ts";
import { StartGate, type StartPriority } from "./start_gate.ts";

export type { Lease, PooledContainer, PoolFunction } from "./pool_function.ts";

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
  /** Requests that may wait per function (`scheduler.queue.capacity`); 0: none waits. */
  queueCapacity: number;
  /** Containers each function keeps against other functions' evictions (`container.pool.floor`). */
  floor: number;
  /** Containers started at once at most (`container.start.parallel`). @default 2 */
  startParallel?: number;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
  /** Most blank containers per image of {@linkcode PoolOptions.blankImages}. @default 0 */
  maxBlankPerImage?: number;
  /** Images kept blank (the built-in runtimes'). @default [] */
  blankImages?: readonly string[];
}

/** What a request for a function could expect of the pool now. */
export interface PoolOutlook {
  /** Whether a slot is free now (no wait, no cold start). */
  free: boolean;
  /** Expected seconds until a slot serves it (a cold start included); Infinity: never. */
  wait: number;
  /** Whether the pool would take it (queue not full, expected wait within its limit). */
  accepts: boolean;
}

/** A request waiting in its function's queue. */
interface _Waiter {
  readonly fn: PoolFunction;
  readonly arrivedAt: number;
  readonly deadline: number;
  readonly grant: (lease: Lease) => void;
  readonly refuse: (error: Error) => void;
}

/** The queue of one version of a function, and the containers being started for it. */
interface _Queue {
  /** Its key in the pool's map of queues (function name and version). */
  readonly key: string;
  readonly waiters: _Waiter[];
  /** Containers being started for it. */
  starting: number;
  /** Whether its last scale-up found no memory (retried when memory frees up). */
  starved: boolean;
}

/** Milliseconds between two checks of waiting requests (deadlines, scale-ups). */
const TICK_MS = 10;

/** The node's container pool. */
export class ContainerPool {
  readonly #options: PoolOptions;
  readonly #now: () => number;
  readonly #containers = new Map<string, PooledContainer[]>();
  readonly #queues = new Map<string, _Queue>();
  readonly #starting = new Map<string, { count: number; memoryMB: number }>();
  readonly #inFlight = new Map<string, Set<Lease>>();
  readonly #estimates = new PoolEstimates();
  readonly #demand = new ColdStartDemand();
  readonly #gate: StartGate;
  readonly #blanks: BlankContainers;
  #tick: ReturnType<typeof setInterval> | undefined;
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
    this.#gate = new StartGate(options.startParallel ?? 2);
    this.#blanks = new BlankContainers({
      backend: options.backend,
      images: options.blankImages ?? [],
      maxPerImage: options.maxBlankPerImage ?? 0,
      demand: this.#demand,
      gate: this.#gate,
      now: this.#now,
      readyTimeoutMs: options.readyTimeoutMs,
      ledger: {
        tryReserve: (memoryMB) => {
          if (this.#closed || !this.#fits(memoryMB)) return false;
          this.#usedMemoryMB += memoryMB;
          return true;
        },
        release: (memoryMB) => {
          this.#usedMemoryMB -= memoryMB;
          this.#scaleStarved();
        },
      },
    });
  }

  /** Starts blank containers up to their number, as far as memory allows without evicting. */
  fillBlanks(): void {
    this.#blanks.fill();
  }

  /**
   * A slot for one invocation of `fn`: a free one at once, else the first that frees up or
   * starts within `maxWaitS` seconds. Throws `OverloadedError` when the function cannot fit
   * this pool, its queue is full, the expected wait exceeds `maxWaitS` or the wait runs out;
   * a failed container start rejects the requests that had nothing else to wait for.
   *
   * @param options.maxWaitS seconds the request may wait for a slot @default Infinity
   * @param options.fresh start a new container for this request even when a warm one is free
   * (the invoker asks for one after a warm container turned out dead or frozen: the others may
   * be too)
   */
  async acquire(
    fn: PoolFunction,
    options: { maxWaitS?: number; fresh?: boolean } = {},
  ): Promise<Lease> {
    const unfit = this.#capacityError(fn);
    if (unfit) throw unfit;
    const now = this.#now();
    this.#estimates.recordArrival(fn.name, now);
    if (options.fresh) return await this.#freshLease(fn, now);
    const queue = this.#queueOf(fn);
    if (queue.waiters.length === 0) {
      const lease = this.#lease(fn, now);
      if (lease) return lease;
    }
    const maxWaitS = options.maxWaitS ?? Infinity;
    const refusal = this.#refusal(fn, queue, maxWaitS);
    if (refusal) {
      this.#dropIfIdle(queue);
      throw refusal;
    }
    return await new Promise((grant, refuse) => {
      queue.waiters.push({ fn, arrivedAt: now, deadline: now + maxWaitS * 1000, grant, refuse });
      this.#scale(fn, queue);
      if (this.#options.queueCapacity === 0 && !this.#servedWithoutWaiting(fn, queue)) {
        queue.waiters.pop();
        this.#dropIfIdle(queue);
        refuse(this.#noRoomError(fn));
        return;
      }
      this.#armTick();
    });
  }

  /** Gives a container back; a broken or retired one is removed instead of kept warm. */
  async release(lease: Lease, broken = false): Promise<void> {
    const { container } = lease;
    const freedCpus = lease.cpus > 0;
    this.#usedCpus -= lease.cpus;
    lease.cpus = 0;
    container.active--;
    const now = this.#now();
    container.lastUsed = now;
    this.#estimates.recordHold(container.functionName, (now - lease.grantedAt) / 1000);
    this.#inFlight.get(container.functionName)?.delete(lease);
    if (broken) container.retired = true;
    if (container.retired && container.active === 0) {
      await this.#remove(container);
      return;
    }
    const queue = this.#queues.get(queueKey(container.functionName, container.version));
    if (queue) this.#pump(queue);
    if (freedCpus) { for (const q of this.#queues.values()) this.#pump(q); }
    if (container.active === 0) this.#scaleStarved();
  }

  /**
   * Starts up to `count` idle containers for `fn`, without evicting others; resolves
   * how many were started.
   */
  async prewarm(fn: PoolFunction, count: number): Promise<number> {
    const starts: Promise<PooledContainer>[] = [];
    for (let i = 0; i < count; i++) {
      if (!this.#fits(fn.memoryMB)) break;
      this.#usedMemoryMB += fn.memoryMB;
      starts.push(this.#launch(fn, undefined, "demand"));
    }
    const results = await Promise.allSettled(starts);
    const queue = this.#queues.get(queueKey(fn.name, fn.version));
    if (queue) this.#pump(queue);
    const failure = results.find((r) => r.status === "rejected");
    const started = results.filter((r) => r.status === "fulfilled").length;
    if (started === 0 && failure) throw failure.reason;
    return started;
  }

  /**
   * Retires the containers of function `name` except those of `keepVersion`: idle ones are
   * removed now, busy ones when their invocation ends. Requests waiting for another version
   * are refused (`UnavailableError`: the function changed while they waited).
   */
  async retire(name: string, keepVersion?: string): Promise<void> {
    for (const [key, queue] of this.#queues) {
      if (!key.startsWith(`${name}\n`) || key === queueKey(name, keepVersion ?? "")) continue;
      this.#queues.delete(key);
      for (const waiter of queue.waiters.splice(0)) {
        waiter.refuse(
          new UnavailableError(
            `Function "${name}" was updated or deleted while the request waited: send it again`,
          ),
        );
      }
    }
    if (keepVersion === undefined) this.#estimates.forget(name);
    const doomed = (this.#containers.get(name) ?? []).filter((c) => c.version !== keepVersion);
    for (const container of doomed) container.retired = true;
    await Promise.all(doomed.filter((c) => c.active === 0).map((c) => this.#remove(c)));
  }

  /**
   * Removes idle containers unused for longer than the expiration and brings the blank
   * containers to their number; resolves how many containers expired.
   */
  async expireIdle(): Promise<number> {
    const limit = this.#now() - this.#options.expirationSeconds * 1000;
    const expired = this.#all().filter((c) => c.active === 0 && c.lastUsed <= limit);
    await Promise.all(expired.map((c) => this.#remove(c)));
    this.#blanks.trim();
    this.#blanks.fill();
    return expired.length;
  }

  /** Current occupancy, as `/status` shows it. */
  stats(): PoolStatus {
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
    for (const [key, queue] of this.#queues) {
      if (queue.waiters.length > 0) entry(key.split("\n")[0]).Waiting += queue.waiters.length;
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
   * What a request for `fn` that may wait `maxWaitS` seconds could expect now: the scheduling
   * policies' view of this node.
   */
  outlook(fn: PoolFunction, maxWaitS: number): PoolOutlook {
    if (this.#capacityError(fn)) return { free: false, wait: Infinity, accepts: false };
    const queue = this.#queues.get(queueKey(fn.name, fn.version));
    if ((queue?.waiters.length ?? 0) === 0 && this.#cpuFree(fn) && this.#findWarm(fn)) {
      return { free: true, wait: 0, accepts: true };
    }
    const wait = this.#expectedWait(fn, queue);
    return { free: false, wait, accepts: !this.#refusal(fn, queue, maxWaitS) };
  }

  /** Idle warm containers per function (Serverledge's `AvailableWarmContainers`). */
  warmCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.#all()) {
      if (c.active === 0 && !c.retired) counts[c.functionName] = (counts[c.functionName] ?? 0) + 1;
    }
    return counts;
  }

  /** Refuses waiting requests and removes every container; the pool refuses work afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#tick);
    for (const queue of this.#queues.values()) {
      for (const waiter of queue.waiters.splice(0)) {
        waiter.refuse(new OverloadedError("Node is shutting down"));
      }
    }
    await Promise.allSettled([...this.#all().map((c) => this.#remove(c)), this.#blanks.close()]);
  }

  // --- Leases and queues ---

  /** A lease on a free slot of `fn` for a request that arrived at `arrivedAt`, if there is one. */
  #lease(fn: PoolFunction, arrivedAt: number): Lease | undefined {
    if (!this.#cpuFree(fn)) return undefined;
    const container = this.#findWarm(fn);
    if (!container) return undefined;
    return this.#grant(container, fn, arrivedAt);
  }

  #grant(container: PooledContainer, fn: PoolFunction, arrivedAt: number): Lease {
    container.active++;
    const cpus = Math.max(0, fn.cpus);
    this.#usedCpus += cpus;
    const now = this.#now();
    const warm = container.served > 0 || container.readyAt <= arrivedAt;
    container.served++;
    const lease = {
      container,
      warm,
      initTime: warm ? 0 : (now - arrivedAt) / 1000,
      cpus,
      grantedAt: now,
    };
    let inFlight = this.#inFlight.get(fn.name);
    if (!inFlight) this.#inFlight.set(fn.name, inFlight = new Set());
    inFlight.add(lease);
    return lease;
  }

  /** Hands free slots to the queue's first requests, in order. */
  #pump(queue: _Queue): void {
    while (queue.waiters.length > 0) {
      const head = queue.waiters[0];
      const lease = this.#lease(head.fn, head.arrivedAt);
      if (!lease) return;
      queue.waiters.shift();
      head.grant(lease);
    }
    this.#dropIfIdle(queue);
  }

  #queueOf(fn: PoolFunction): _Queue {
    const key = queueKey(fn.name, fn.version);
    let queue = this.#queues.get(key);
    if (!queue) this.#queues.set(key, queue = { key, waiters: [], starting: 0, starved: false });
    return queue;
  }

  /** Forgets a queue nobody waits in and nothing starts for. */
  #dropIfIdle(queue: _Queue): void {
    if (queue.waiters.length > 0 || queue.starting > 0) return;
    if (this.#queues.get(queue.key) === queue) this.#queues.delete(queue.key);
  }

  /** Why a new request for `fn` would be refused now, or `undefined` when it may wait. */
  #refusal(fn: PoolFunction, queue: _Queue | undefined, maxWaitS: number): Error | undefined {
    const waiting = queue?.waiters.length ?? 0;
    const { queueCapacity } = this.#options;
    if (queueCapacity === 0) {
      return this.#canMakeRoom(fn) || this.#freeSlotsAhead(fn, queue)
        ? undefined
        : this.#noRoomError(fn);
    }
    if (waiting >= queueCapacity) {
      return new OverloadedError(
        `Function "${fn.name}" has ${waiting} waiting request${waiting === 1 ? "" : "s"} ` +
          `already, as many as scheduler.queue.capacity allows`,
      );
    }
    const wait = this.#expectedWait(fn, queue);
    if (wait <= maxWaitS) return undefined;
    const limit = `the ${round(maxWaitS)} s it may wait`;
    if (this.#waitsForMemory(fn, queue)) {
      const noRoom = this.#noRoomError(fn).message;
      return new OverloadedError(
        wait === Infinity
          ? `${noRoom}, and no container of another function is busy to free any`
          : `${noRoom}, and it is expected to free up in about ${
            round(wait)
          } s, later than ${limit}`,
      );
    }
    return new OverloadedError(
      `Function "${fn.name}" would wait about ${
        round(wait)
      } s for a container, longer than ${limit}`,
    );
  }

  /** With no waiting allowed: whether every waiting request has a starting slot of its own. */
  #servedWithoutWaiting(fn: PoolFunction, queue: _Queue): boolean {
    return queue.waiters.length <= queue.starting * fn.maxConcurrency;
  }

  /** With no waiting allowed: whether the starting containers have a slot left for one more. */
  #freeSlotsAhead(fn: PoolFunction, queue: _Queue | undefined): boolean {
    return !!queue && queue.waiters.length < queue.starting * fn.maxConcurrency;
  }

  /** Expected seconds until the next request for `fn` gets a slot. */
  #expectedWait(fn: PoolFunction, queue: _Queue | undefined): number {
    const figures = this.#figures(fn, queue);
    const wait = expectedWait(figures, figures.waiting + 1);
    return this.#waitsForMemory(fn, queue) ? this.#memoryWait(fn) + wait : wait;
  }

  /** Whether `fn` has no container, none starting, and no room for one. */
  #waitsForMemory(fn: PoolFunction, queue: _Queue | undefined): boolean {
    return (queue?.starting ?? 0) === 0 && !this.#findReady(fn) && !this.#canMakeRoom(fn);
  }

  /**
   * Expected seconds until memory for `fn` frees up: the soonest a busy container of another
   * function goes idle (and may be evicted); Infinity when none is busy.
   */
  #memoryWait(fn: PoolFunction): number {
    let soonest = Infinity;
    const now = this.#now();
    for (const [name, leases] of this.#inFlight) {
      if (name === fn.name || leases.size === 0) continue;
      soonest = Math.min(soonest, this.#serviceTime(name, leases, now));
    }
    return soonest;
  }

  #figures(fn: PoolFunction, queue: _Queue | undefined): QueueFigures {
    const now = this.#now();
    const ready = (this.#containers.get(fn.name) ?? [])
      .filter((c) => !c.retired && c.version === fn.version).length;
    return {
      waiting: queue?.waiters.length ?? 0,
      readySlots: ready * fn.maxConcurrency,
      startingSlots: (queue?.starting ?? 0) * fn.maxConcurrency,
      slotsPerContainer: fn.maxConcurrency,
      serviceTime: this.#serviceTime(fn.name, this.#inFlight.get(fn.name), now),
      coldStart: this.#estimates.coldStart(fn.image, this.#blanks.has(fn.image)),
      arrivalRate: this.#estimates.arrivalRate(fn.name, now),
      mayWait: this.#options.queueCapacity > 0,
    };
  }

  #serviceTime(name: string, leases: Set<Lease> | undefined, now: number): number {
    let oldest = now;
    for (const lease of leases ?? []) oldest = Math.min(oldest, lease.grantedAt);
    return this.#estimates.serviceTime(name, (now - oldest) / 1000);
  }

  /** Refuses the requests whose wait ran out, and scales queues up as demand grows. */
  #armTick(): void {
    if (this.#tick !== undefined) return;
    const tick = setInterval(() => {
      const now = this.#now();
      let waiting = 0;
      for (const [key, queue] of this.#queues) {
        const expired = queue.waiters.filter((w) => w.deadline <= now);
        for (const waiter of expired) {
          queue.waiters.splice(queue.waiters.indexOf(waiter), 1);
          waiter.refuse(this.#waitedError(waiter, now));
        }
        if (queue.waiters.length > 0) {
          this.#scale(queue.waiters[0].fn, queue);
          waiting += queue.waiters.length;
        } else if (queue.starting === 0) this.#queues.delete(key);
      }
      if (waiting === 0) {
        clearInterval(tick);
        this.#tick = undefined;
      }
    }, TICK_MS);
    Deno.unrefTimer(tick);
    this.#tick = tick;
  }

  #waitedError(waiter: _Waiter, now: number): OverloadedError {
    return new OverloadedError(
      `Function "${waiter.fn.name}" waited ${round((now - waiter.arrivedAt) / 1000)} s and no ` +
        `container could serve it in that time`,
    );
  }

  // --- Scaling ---

  /** Starts containers for the queue as long as its demand asks for more and memory allows. */
  #scale(fn: PoolFunction, queue: _Queue): void {
    while (!this.#closed && queue.waiters.length > 0) {
      if (!wantsAnotherContainer(this.#figures(fn, queue))) return;
      if (!this.#startFor(queue.waiters[0].fn, queue)) return;
    }
  }

  /** Retries the scale-ups that found no memory. */
  #scaleStarved(): void {
    for (const queue of this.#queues.values()) {
      if (!queue.starved || queue.waiters.length === 0) continue;
      queue.starved = false;
      this.#scale(queue.waiters[0].fn, queue);
    }
  }

  /** Starts one container for the queue in the background; false when memory is lacking. */
  #startFor(fn: PoolFunction, queue: _Queue): boolean {
    const blank = this.#blanks.take(fn.image);
    if (!this.#makeRoom(fn, fn.memoryMB - (blank ? BLANK_MEMORY_MB : 0))) {
      if (blank) this.#blanks.putBack(fn.image, blank);
      queue.starved = true;
      return false;
    }
    this.#usedMemoryMB += fn.memoryMB - (blank ? BLANK_MEMORY_MB : 0);
    this.#demand.record(fn.image, this.#now());
    queue.starting++;
    this.#launch(fn, blank, "demand").then(
      () => {
        queue.starting--;
        this.#pump(queue);
        if (queue.waiters.length > 0) this.#scale(fn, queue);
      },
      (error: Error) => {
        queue.starting--;
        const ready = this.#figures(fn, queue).readySlots;
        if (ready === 0 && queue.starting === 0) {
          console.error(`Could not start a container for function "${fn.name}":`, error);
          for (const waiter of queue.waiters.splice(0)) waiter.refuse(error);
        } else {
          console.warn(`A container for function "${fn.name}" failed to start:`, error.message);
        }
        this.#dropIfIdle(queue);
      },
    );
    return true;
  }

  /** A lease on a container started for this request alone. */
  async #freshLease(fn: PoolFunction, arrivedAt: number): Promise<Lease> {
    if (!this.#cpuFree(fn)) throw this.#noRoomError(fn);
    if (!this.#makeRoom(fn, fn.memoryMB)) throw this.#noRoomError(fn);
    this.#usedMemoryMB += fn.memoryMB;
    const container = await this.#launch(fn, undefined, "demand");
    if (container.retired) throw new OverloadedError("Node is shutting down");
    if (!this.#cpuFree(fn)) {
      this.#pumpFor(container);
      throw this.#noRoomError(fn);
    }
    return this.#grant(container, fn, arrivedAt);
  }

  /** Offers a container that nobody took to its function's queue. */
  #pumpFor(container: PooledContainer): void {
    const queue = this.#queues.get(queueKey(container.functionName, container.version));
    if (queue) this.#pump(queue);
  }

  /**
   * Starts a container whose memory is booked already (less a blank's, when `blank` is given)
   * and adds it to the pool; gives the memory back when the start fails.
   */
  async #launch(
    fn: PoolFunction,
    blank: ContainerHandle | undefined,
    priority: StartPriority,
  ): Promise<PooledContainer> {
    const starting = this.#starting.get(fn.name) ?? { count: 0, memoryMB: 0 };
    starting.count++;
    starting.memoryMB += fn.memoryMB;
    this.#starting.set(fn.name, starting);
    let handle: ContainerHandle;
    try {
      handle = await this.#gate.run(priority, async () => {
        if (this.#closed) throw new OverloadedError("Node is shutting down");
        const began = this.#now();
        const started = await startContainer(this.#options, fn, blank);
        this.#estimates.recordColdStart(fn.image, !!blank, (this.#now() - began) / 1000);
        return started;
      });
    } catch (error) {
      this.#usedMemoryMB -= fn.memoryMB;
      if (blank && this.#closed) this.#options.backend.remove(blank.id).catch(() => {});
      this.#scaleStarved();
      throw error;
    } finally {
      starting.count--;
      starting.memoryMB -= fn.memoryMB;
      if (starting.count === 0) this.#starting.delete(fn.name);
      if (blank) this.#blanks.fill();
    }
    const now = this.#now();
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
    if (this.#closed) await this.#remove(container);
    return container;
  }

  // --- Capacity ---

  #capacityError(fn: PoolFunction): OverloadedError | undefined {
    if (this.#closed) return new OverloadedError("Node is shutting down");
    if (fn.memoryMB > this.#options.memoryMB) {
      return new OverloadedError(
        `Function "${fn.name}" needs ${fn.memoryMB} MB, more than this node's pool ` +
          `(${this.#options.memoryMB} MB)`,
      );
    }
    if (fn.cpus > this.#options.cpus + 1e-9) {
      return new OverloadedError(
        `Function "${fn.name}" needs ${fn.cpus} CPUs, more than this node's pool ` +
          `(${this.#options.cpus})`,
      );
    }
    return undefined;
  }

  #noRoomError(fn: PoolFunction): OverloadedError {
    if (!this.#cpuFree(fn)) {
      return new OverloadedError(
        `Node has no CPU for function "${fn.name}": it needs ${fn.cpus}, ` +
          `${round(this.#options.cpus - this.#usedCpus)} of ${this.#options.cpus} are free`,
      );
    }
    return new OverloadedError(
      `Node has no memory for function "${fn.name}": it needs ${fn.memoryMB} MB, ` +
        `${this.#options.memoryMB - this.#usedMemoryMB} of ${this.#options.memoryMB} MB are free`,
    );
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

  /** A ready container of `fn`'s version, busy or not. */
  #findReady(fn: PoolFunction): PooledContainer | undefined {
    return this.#containers.get(fn.name)?.find((c) => !c.retired && c.version === fn.version);
  }

  #cpuFree(fn: PoolFunction): boolean {
    return fn.cpus <= 0 || this.#usedCpus + fn.cpus <= this.#options.cpus + 1e-9;
  }

  #fits(memoryMB: number): boolean {
    return this.#usedMemoryMB + memoryMB <= this.#options.memoryMB;
  }

  /** The idle containers that may go for `fn`, in eviction order. */
  #victims(fn: PoolFunction): PooledContainer[] {
    const owned = (this.#containers.get(fn.name)?.length ?? 0) +
      (this.#starting.get(fn.name)?.count ?? 0);
    return evictionOrder(this.#all(), fn.name, this.#options.floor, owned);
  }

  /** Whether a new container of `fn` would find memory, evicting what it may. */
  #canMakeRoom(fn: PoolFunction): boolean {
    const needed = fn.memoryMB - (this.#blanks.has(fn.image) ? BLANK_MEMORY_MB : 0);
    if (this.#fits(needed)) return true;
    const freeable = this.#blanks.evictableMB +
      this.#victims(fn).reduce((n, c) => n + c.memoryMB, 0);
    return this.#usedMemoryMB - freeable + needed <= this.#options.memoryMB;
  }

  /**
   * Frees memory for `memoryMB` more for `fn`: blank containers first, then the idle containers
   * eviction allows. Evicts nothing and answers false when that would not be enough.
   */
  #makeRoom(fn: PoolFunction, memoryMB: number): boolean {
    if (this.#fits(memoryMB)) return true;
    const victims = this.#victims(fn);
    const freeable = this.#blanks.evictableMB + victims.reduce((n, c) => n + c.memoryMB, 0);
    if (this.#usedMemoryMB - freeable + memoryMB > this.#options.memoryMB) return false;
    while (!this.#fits(memoryMB) && this.#blanks.evictOne() > 0);
    for (const container of victims) {
      if (this.#fits(memoryMB)) break;
      this.#detach(container);
      this.#options.backend.remove(container.id).catch((error) =>
        console.error(`Could not remove evicted container ${container.id}:`, error)
      );
    }
    return true;
  }

  async #remove(container: PooledContainer): Promise<void> {
    if (!this.#detach(container)) return;
    this.#scaleStarved();
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

function queueKey(name: string, version: string): string {
  return `${name}\n${version}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
