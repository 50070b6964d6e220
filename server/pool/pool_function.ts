/**
 * What the pool knows of a function, and of the containers and leases it hands out.
 *
 * @module
 */
import type { Executor, ExecutorCode } from "../containers/executor.ts";

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
  /** When it became ready (ms). */
  readonly readyAt: number;
  /** Invocations it was handed so far. */
  served: number;
  /** Invocations it is serving now. */
  active: number;
  /** When it last finished an invocation (ms). */
  lastUsed: number;
  /** Set when it must not serve again; removed when its last invocation ends. */
  retired: boolean;
}

/** A container handed out for one invocation; give it back with `ContainerPool.release`. */
export interface Lease {
  /** The container serving the invocation. */
  container: PooledContainer;
  /**
   * Whether the container had served before or was ready when the request arrived (no cold
   * start for this request).
   */
  warm: boolean;
  /** Seconds the request waited for the new container that serves it (0 when warm). */
  initTime: number;
  /**
   * Whether it is the container's first invocation, which its process serves cold (slower than
   * the next ones): its times are not counted among the function's hold and work times.
   */
  first: boolean;
  /** CPUs reserved for the invocation. */
  cpus: number;
  /** When the lease was granted (ms). */
  grantedAt: number;
  /** Seconds the handler ran, when the executor said so (set by the lease holder). */
  workSeconds?: number;
  /**
   * Set when the lease was granted behind the call under way on its container (see
   * `calls_behind.ts`): settles when that call's lease is released. The holder writes its call
   * at once with this as `after` (see `Executor.invoke`); its time limits count from then.
   */
  behind?: Promise<void>;
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
