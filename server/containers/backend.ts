/**
 * The interface between the pool and whatever runs containers. `DockerBackend` is the real one.
 *
 * @module
 */
import type { Executor } from "./executor.ts";

/** What the pool asks for when it needs a new container. */
export interface ContainerSpec {
  /** Image running an executor on port 8080. */
  image: string;
  /** Memory limit in MB (also the swap limit: no swap). */
  memoryMB: number;
  /** CPU limit (e.g. 0.5); 0 asks for the backend's default limit. */
  cpus: number;
  /** Labels; the backend adds the node label itself. */
  labels: Record<string, string>;
}

/** A started container and its executor. */
export interface ContainerHandle {
  /** Backend id of the container. */
  id: string;
  /** The container's executor (reached on 127.0.0.1 only). */
  executor: Executor;
}

/** Why a container stopped, as far as the backend knows. */
export interface ContainerExit {
  /** Whether the container is still running. */
  running: boolean;
  /** Whether the kernel killed it for exceeding its memory limit. */
  oomKilled: boolean;
  /** Exit code when it stopped. */
  exitCode: number;
}

/** Runs containers for one node. Every container it creates carries the node's label. */
export interface ContainerBackend {
  /** Creates and starts a container; resolves once its executor port is published. */
  start(spec: ContainerSpec): Promise<ContainerHandle>;
  /** Changes a running container's memory (and swap) limit and CPU limit. */
  resize(id: string, limits: { memoryMB: number; cpus: number }): Promise<void>;
  /** Stops and removes a container; resolves even if it is already gone. */
  remove(id: string): Promise<void>;
  /** What happened to a container, or `undefined` when it no longer exists. */
  inspectExit(id: string): Promise<ContainerExit | undefined>;
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
