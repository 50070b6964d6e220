/**
 * The interface between the pool and whatever runs containers. `DockerBackend` is the real one.
 *
 * @module
 */
import type { CpuReading } from "./cpu_time.ts";
import type { Executor, ExecutorCode } from "./executor.ts";

/** What the pool asks for when it needs a new container. */
export interface ContainerSpec {
  /** Image running an executor (on the Unix socket it declares, or on port 8080). */
  image: string;
  /** Memory limit in MB (also the swap limit: no swap). */
  memoryMB: number;
  /** CPU limit (e.g. 0.5); 0 asks for the backend's default limit. */
  cpus: number;
  /** Labels; the backend adds the node label itself. */
  labels: Record<string, string>;
  /**
   * The function's code, copied into the container before it starts when its image speaks
   * Serverledge's contract (see `executor_contract.ts`); others get it by `Executor.init`.
   */
  code?: ExecutorCode;
}

/** A started container and its executor. */
export interface ContainerHandle {
  /** Backend id of the container. */
  id: string;
  /** The container's executor (reached on its Unix socket, or on 127.0.0.1 only). */
  executor: Executor;
  /**
   * Whether it was laid out for Serverledge's contract (code copied in before the start). A
   * container of an image not known to speak it is not: when its executor turns out to, the
   * pool starts another one.
   */
  serverledgeLayout?: boolean;
}

/**
 * What the backend knows of a container: whether it runs, is frozen, or stopped (when and
 * how). The invoker asks it when an executor call fails or is slow to answer, to tell a
 * container that died or froze before it could serve the request from a function that failed.
 */
export interface ContainerState {
  /** Whether the container still exists; false once it was removed. */
  exists: boolean;
  /** Whether its process runs (a paused container runs, frozen). */
  running: boolean;
  /** Whether it is paused (frozen by the engine, e.g. `docker pause`). */
  paused: boolean;
  /** Whether the kernel killed it for exceeding its memory limit. */
  oomKilled: boolean;
  /** Exit code once it stopped (0 while it runs or when unknown). */
  exitCode: number;
  /**
   * When it stopped, in milliseconds since the epoch; `undefined` while it runs, or when a
   * removed container's stop is no longer known to the engine.
   */
  stoppedAt?: number;
}

/** Runs containers for one node. Every container it creates carries the node's label. */
export interface ContainerBackend {
  /**
   * Creates and starts a container; resolves once its executor's socket exists or its port is
   * published.
   */
  start(spec: ContainerSpec): Promise<ContainerHandle>;
  /** Changes a running container's memory (and swap) limit and CPU limit. */
  resize(id: string, limits: { memoryMB: number; cpus: number }): Promise<void>;
  /** Stops and removes a container; resolves even if it is already gone. */
  remove(id: string): Promise<void>;
  /** The state of a container, also of one that was removed (`exists: false`). */
  inspect(id: string): Promise<ContainerState>;
  /**
   * The CPU time a running container used so far, `undefined` when the backend cannot tell
   * (the container is gone, or stopped).
   */
  cpuReading?(id: string): Promise<CpuReading | undefined>;
  /** Removes every container labelled with this node's id; resolves how many. */
  removeAll(): Promise<number>;
  /** Whether `image` exists locally. */
  hasImage(image: string): Promise<boolean>;
  /**
   * Throws an `UnavailableError` with a fix when the engine does not answer or the network of
   * function containers cannot be prepared (created, and kept away from the host).
   */
  ping(): Promise<void>;
}
