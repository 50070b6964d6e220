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
 * queue is full or the expected wait exceeds what it may wait, and when its wait runs out. For
 * functions of very short calls, a request may also be granted a lease behind the call under
 * way on a busy container (`calls_behind.ts`).
 *
 * @module
 */
import type { PoolStatus } from "../../protocol/status.ts";
import type { ContainerBackend } from "../containers/backend.ts";
import { type HostCpuTimes, readHostCpuTimes } from "../containers/cpu_time.ts";
import { Admission } from "./admission.ts";
import { CallsBehind } from "./calls_behind.ts";
import { ContainerBook } from "./container_book.ts";
import { CpuWatch } from "./cpu_watch.ts";
import { QueueForecast } from "./forecast.ts";
import { FunctionQueue, type Waiter } from "./function_queue.ts";
import { PoolEstimates } from "./pool_estimates.ts";
import type { Lease, PooledContainer, PoolFunction, PoolOutlook } from "./pool_function.ts";
import { changedWhileWaiting, shuttingDown, waitedOut, waitTooLong } from "./refusals.ts";
import { RunningLeases } from "./running_leases.ts";
import { tracedPromise } from "../tracing/tracing.ts";
import { wantsAnotherContainer } from "./scale_rule.ts";

export type { Lease, PooledContainer, PoolFunction, PoolOutlook } from "./pool_function.ts";

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
  /** The host's CPU times now. @default readHostCpuTimes */
  hostCpu?: () => HostCpuTimes | undefined;
}

/** Milliseconds between two checks of waiting requests (deadlines, scale-ups). */
const TICK_MS = 10;

/** The node's container pool. */
export class ContainerPool {
  readonly #options: PoolOptions;
  readonly #now: () => number;
  readonly #book: ContainerBook;
  readonly #queues = new Map<string, FunctionQueue>();
  readonly #running = new RunningLeases();
  readonly #estimates = new PoolEstimates();
  readonly #forecast: QueueForecast;
  readonly #admission: Admission;
  readonly #behind = new CallsBehind();
  #tick: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates an empty pool; containers are started on demand (call
   * {@linkcode ContainerPool.fillBlanks} to start blank ones).
   */
  constructor(options: PoolOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#book = new ContainerBook({
      backend: options.backend,
      readyTimeoutMs: options.readyTimeoutMs,
      memoryMB: options.memoryMB,
      cpus: options.cpus,
      floor: options.floor,
      startParallel: options.startParallel ?? 2,
      now: this.#now,
      maxBlankPerImage: options.maxBlankPerImage ?? 0,
      blankImages: options.blankImages ?? [],
      estimates: this.#estimates,
      onMemoryFreed: () => this.#scaleStarved(),
    });
    this.#forecast = new QueueForecast({
      book: this.#book,
      estimates: this.#estimates,
      running: this.#running,
      cpu: new CpuWatch({
        host: options.hostCpu ?? readHostCpuTimes,
        container: (id) => options.backend.cpuReading?.(id) ?? Promise.resolve(undefined),
        now: this.#now,
      }),
      mayWait: options.queueCapacity > 0,
      now: this.#now,
    });
    this.#admission = new Admission({
      book: this.#book,
      forecast: this.#forecast,
      queueCapacity: options.queueCapacity,
    });
  }

  /** Starts blank containers up to their number, as far as memory allows without evicting. */
  fillBlanks(): void {
    this.#book.fillBlanks();
  }

  /**
   * A slot for one invocation of `fn`: a free one at once, else the first that frees up or
   * starts within `maxWaitS` seconds (never less than one cold start when the function has no
   * ready container here: a request may always wait for the container started for it). Throws
   * `OverloadedError` when the function cannot fit this pool, its queue is full, the expected
   * wait exceeds that limit or the wait runs out; a failed container start rejects the requests
   * that had nothing else to wait for.
   *
   * @param options.maxWaitS seconds the request may wait for a slot @default Infinity
   * @param options.fresh start a new container for this request even when a warm one is free
   * (the invoker asks for one after a warm container turned out dead or frozen: the others may
   * be too)
   * @param options.pipelining whether the lease may be granted behind a call under way (see
   * `calls_behind.ts`) @default true
   */
  async acquire(
    fn: PoolFunction,
    options: { maxWaitS?: number; fresh?: boolean; pipelining?: boolean } = {},
  ): Promise<Lease> {
    const unfit = this.#book.capacityError(fn);
    if (unfit) throw unfit;
    const now = this.#now();
    this.#estimates.recordArrival(fn.name, now);
    if (options.fresh) return await this.#freshLease(fn, now);
    const pipelining = options.pipelining ?? true;
    const existing = this.#queues.get(queueKey(fn.name, fn.version));
    if (!existing?.length) {
      const lease = this.#lease(fn, now, pipelining);
      if (lease) return lease;
    }
    const queue = existing ?? this.#queueOf(fn);
    const maxWaitS = this.#admission.waitLimit(fn, options.maxWaitS ?? Infinity);
    const refusal = this.#admission.refusal(fn, queue, maxWaitS);
    if (refusal) {
      this.#dropIfIdle(queue);
      throw refusal;
    }
    return await tracedPromise("queue", { "serverledge.ahead": queue.length }, (grant, refuse) => {
      const deadline = now + maxWaitS * 1000;
      queue.push({ fn, arrivedAt: now, deadline, pipelining, grant, refuse });
      this.#scale(fn, queue);
      if (!this.#admission.mayStay(fn, queue)) {
        queue.pop();
        this.#dropIfIdle(queue);
        refuse(this.#book.noRoomError(fn));
        return;
      }
      this.#armTick();
    });
  }

  /** Gives a container back; a broken or retired one is removed instead of kept warm. */
  async release(lease: Lease, broken = false): Promise<void> {
    const { container } = lease;
    this.#behind.released(lease);
    const freedCpus = lease.cpus > 0;
    this.#book.bookCpus(-lease.cpus);
    lease.cpus = 0;
    container.active--;
    const now = this.#now();
    container.lastUsed = now;
    if (!lease.first) {
      this.#estimates.recordHold(container.functionName, (now - lease.grantedAt) / 1000, now);
      if (lease.workSeconds !== undefined) {
        this.#estimates.recordWork(container.functionName, lease.workSeconds, now);
      }
    }
    this.#running.delete(container.functionName, lease);
    if (broken) container.retired = true;
    if (container.retired && container.active === 0) {
      await this.#book.remove(container);
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
      const booked = this.#book.bookWithoutEvicting(fn);
      if (!booked) break;
      starts.push(this.#book.launch(fn, booked));
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
      queue.refuseAll(changedWhileWaiting(name));
    }
    if (keepVersion === undefined) this.#estimates.forget(name);
    await this.#book.retire(name, keepVersion);
  }

  /**
   * Removes idle containers unused for longer than the expiration and brings the blank
   * containers to their number; resolves how many containers expired.
   */
  async expireIdle(): Promise<number> {
    const limit = this.#now() - this.#options.expirationSeconds * 1000;
    return await this.#book.expireIdle(limit);
  }

  /** Current occupancy, as `/status` shows it. */
  stats(): PoolStatus {
    const functions = this.#book.occupancy();
    for (const [key, queue] of this.#queues) {
      const name = key.split("\n")[0];
      if (queue.length === 0) continue;
      functions[name] ??= { Idle: 0, Busy: 0, Starting: 0, Waiting: 0, MemoryMB: 0 };
      functions[name].Waiting += queue.length;
    }
    const used = this.#book.usage();
    return {
      MemoryMB: this.#options.memoryMB,
      UsedMemoryMB: used.memoryMB,
      Cpus: this.#options.cpus,
      UsedCpus: used.cpus,
      Blank: used.blank,
      Functions: functions,
    };
  }

  /**
   * What a request for `fn` that may wait `maxWaitS` seconds could expect now: the scheduling
   * policies' view of this node.
   */
  outlook(fn: PoolFunction, maxWaitS: number): PoolOutlook {
    if (this.#book.capacityError(fn)) return { free: false, wait: Infinity, accepts: false };
    const queue = this.#queues.get(queueKey(fn.name, fn.version));
    const idle = (queue?.length ?? 0) === 0;
    if (idle && this.#book.cpuFree(fn) && this.#book.findWarm(fn)) {
      return { free: true, wait: 0, accepts: true };
    }
    const wait = this.#forecast.expectedWait(fn, queue);
    const limit = this.#admission.waitLimit(fn, maxWaitS);
    return { free: false, wait, accepts: !this.#admission.refusal(fn, queue, limit) };
  }

  /** Idle warm containers per function (Serverledge's `AvailableWarmContainers`). */
  warmCounts(): Record<string, number> {
    return this.#book.warmCounts();
  }

  /** Refuses waiting requests and removes every container; the pool refuses work afterwards. */
  async close(): Promise<void> {
    clearInterval(this.#tick);
    const closing = this.#book.close();
    for (const queue of this.#queues.values()) {
      queue.refuseAll(shuttingDown());
    }
    await closing;
  }

  // --- Leases and queues ---

  /**
   * A lease on a free slot of `fn` for a request that arrived at `arrivedAt`, else, when
   * `pipelining`, one behind a call under way, if there is one.
   */
  #lease(fn: PoolFunction, arrivedAt: number, pipelining: boolean): Lease | undefined {
    if (!this.#book.cpuFree(fn)) return undefined;
    const container = this.#book.findWarm(fn);
    if (container) return this.#grant(container, fn, arrivedAt);
    return pipelining ? this.#grantBehind(fn, arrivedAt) : undefined;
  }

  /** A lease behind the call under way on a container of `fn`, if one takes it. */
  #grantBehind(fn: PoolFunction, arrivedAt: number): Lease | undefined {
    const hold = () =>
      this.#estimates.serviceTime(fn.name, this.#running.runningFor(fn.name, this.#now()));
    const container = this.#behind.find(this.#book.ready(fn), fn, hold);
    if (!container) return undefined;
    const lease = this.#grant(container, fn, arrivedAt);
    lease.behind = this.#behind.add(container, lease, () => lease.grantedAt = this.#now());
    return lease;
  }

  #grant(container: PooledContainer, fn: PoolFunction, arrivedAt: number): Lease {
    container.active++;
    const cpus = Math.max(0, fn.cpus);
    this.#book.bookCpus(cpus);
    const now = this.#now();
    const first = container.served === 0;
    const warm = !first || container.readyAt <= arrivedAt;
    container.served++;
    const lease = {
      container,
      warm,
      initTime: warm ? 0 : (now - arrivedAt) / 1000,
      first,
      cpus,
      grantedAt: now,
    };
    this.#running.add(fn.name, lease);
    return lease;
  }

  /** Hands free slots to the queue's first requests, in order. */
  #pump(queue: FunctionQueue): void {
    for (let head = queue.head; head; head = queue.head) {
      const lease = this.#lease(head.fn, head.arrivedAt, head.pipelining);
      if (!lease) return;
      queue.shift();
      head.grant(lease);
    }
    this.#dropIfIdle(queue);
  }

  #queueOf(fn: PoolFunction): FunctionQueue {
    const key = queueKey(fn.name, fn.version);
    let queue = this.#queues.get(key);
    if (!queue) this.#queues.set(key, queue = new FunctionQueue(key));
    return queue;
  }

  /** Forgets a queue nobody waits in and nothing starts for. */
  #dropIfIdle(queue: FunctionQueue): void {
    if (queue.idle && this.#queues.get(queue.key) === queue) this.#queues.delete(queue.key);
  }

  /** Refuses the requests whose wait ran out, and scales queues up as demand grows. */
  #armTick(): void {
    if (this.#tick !== undefined) return;
    const tick = setInterval(() => {
      const now = this.#now();
      let waiting = 0;
      for (const [key, queue] of this.#queues) {
        const spared = queue.starting * (queue.head?.fn.maxConcurrency ?? 1);
        for (const waiter of queue.expire(now, spared)) {
          waiter.refuse(waitedOut(waiter.fn.name, (now - waiter.arrivedAt) / 1000));
        }
        if (queue.head) this.#scale(queue.head.fn, queue);
        this.#turnAwayLate(queue, now);
        if (queue.head) waiting += queue.length;
        else if (queue.idle) this.#queues.delete(key);
      }
      if (waiting === 0) {
        clearInterval(tick);
        this.#tick = undefined;
      }
    }, TICK_MS);
    Deno.unrefTimer(tick);
    this.#tick = tick;
  }

  /**
   * Refuses at once the waiting requests now expected to miss their deadline (as the running
   * invocations turn out longer than was known), so that the dispatcher may still offload them.
   */
  #turnAwayLate(queue: FunctionQueue, now: number): void {
    if (this.#options.queueCapacity === 0 || !queue.head) return;
    const fn = queue.head.fn;
    const waitAt = this.#forecast.waitByPosition(fn, queue);
    const waits = new Map<Waiter, number>();
    const spared = queue.starting * fn.maxConcurrency; // the containers starting serve these
    const late = queue.turnAway((waiter, position) => {
      if (position <= spared) return false;
      waits.set(waiter, waitAt(position));
      return waits.get(waiter)! > (waiter.deadline - now) / 1000;
    });
    for (const waiter of late) {
      const left = Math.max(0, (waiter.deadline - now) / 1000);
      waiter.refuse(waitTooLong(fn.name, waits.get(waiter)!, left));
    }
  }

  // --- Scaling ---

  /**
   * Starts containers for the queue as long as its demand asks for more (the scale rule, or its
   * newest request would miss its deadline without them) and memory allows.
   */
  #scale(fn: PoolFunction, queue: FunctionQueue): void {
    while (!this.#book.closed && queue.length > 0) {
      const figures = this.#forecast.figures(fn, queue);
      if (!wantsAnotherContainer(figures) && !this.#forecast.tailLate(fn, queue, figures)) return;
      if (!this.#startFor(queue.head!.fn, queue)) return;
    }
  }

  /** Retries the scale-ups that found no memory. */
  #scaleStarved(): void {
    for (const queue of this.#queues.values()) {
      if (!queue.starved || queue.length === 0) continue;
      queue.starved = false;
      this.#scale(queue.head!.fn, queue);
    }
  }

  /** Starts one container for the queue in the background; false when memory is lacking. */
  #startFor(fn: PoolFunction, queue: FunctionQueue): boolean {
    const booked = this.#book.book(fn);
    if (!booked) {
      queue.starved = true;
      return false;
    }
    this.#book.countColdStart(fn);
    queue.starting++;
    this.#book.launch(fn, booked).then(
      () => {
        queue.starting--;
        this.#pump(queue);
        if (queue.length > 0) this.#scale(fn, queue);
      },
      (error: Error) => {
        queue.starting--;
        const ready = this.#forecast.figures(fn, queue).readySlots;
        if (ready === 0 && queue.starting === 0) {
          console.error(`Could not start a container for function "${fn.name}":`, error);
          queue.refuseAll(error);
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
    const booked = this.#book.cpuFree(fn) ? this.#book.book(fn, { blank: false }) : undefined;
    if (!booked) throw this.#book.noRoomError(fn);
    const container = await this.#book.launch(fn, booked);
    if (container.retired) throw shuttingDown();
    if (!this.#book.cpuFree(fn)) {
      this.#pumpFor(container);
      throw this.#book.noRoomError(fn);
    }
    return this.#grant(container, fn, arrivedAt);
  }

  /** Offers a container that nobody took to its function's queue. */
  #pumpFor(container: PooledContainer): void {
    const queue = this.#queues.get(queueKey(container.functionName, container.version));
    if (queue) this.#pump(queue);
  }
}

function queueKey(name: string, version: string): string {
  return `${name}\n${version}`;
}
