/**
 * The Docker backend (dockerode): containers with memory, CPU and pids limits, no privileges,
 * the executor port published on 127.0.0.1 only, and the `serverledge.node` label.
 *
 * @module
 */
// @ts-types="npm:@types/dockerode@^3.3.0"
import Docker from "dockerode";
import { UnavailableError } from "../errors.ts";
import type {
  ContainerBackend,
  ContainerHandle,
  ContainerSpec,
  ContainerState,
} from "./backend.ts";
import { HttpExecutor } from "./executor.ts";

/** Label naming the node that owns a container. */
export const NODE_LABEL = "serverledge.node";
const EXECUTOR_PORT = "8080/tcp";
const PIDS_LIMIT = 256;
/** Seconds of engine events searched for the stop of a container that was removed. */
const STOP_EVENTS_LOOKBACK_S = 600;

/** The fields of a Docker `die` event that {@linkcode DockerBackend.inspect} reads. */
interface _DieEvent {
  timeNano?: number;
  Actor?: { Attributes?: { exitCode?: string } };
}
/**
 * Bridge network of function containers, with inter-container traffic disabled: a function
 * cannot reach another function's executor; the node reaches each through its published port.
 */
export const FUNCTION_NETWORK = "serverledge-functions";

/** Options of {@linkcode DockerBackend}. */
export interface DockerBackendOptions {
  /** Id of the node; every container gets it as the `serverledge.node` label. */
  nodeId: string;
  /** Docker socket. @default from `DOCKER_HOST` (unix://) or `/var/run/docker.sock` */
  socketPath?: string;
}

/** {@linkcode ContainerBackend} on the local Docker daemon. */
export class DockerBackend implements ContainerBackend {
  readonly #docker: Docker;
  readonly #nodeId: string;
  readonly #socketPath: string;

  /** Connects lazily; call {@linkcode DockerBackend.ping} to check the daemon. */
  constructor(options: DockerBackendOptions) {
    this.#nodeId = options.nodeId;
    this.#socketPath = options.socketPath ?? defaultSocketPath();
    this.#docker = new Docker({ socketPath: this.#socketPath });
  }

  /** @inheritdoc */
  async start(spec: ContainerSpec): Promise<ContainerHandle> {
    const container = await this.#call("create a container", async () => {
      try {
        return await this.#createContainer(spec);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        throw new UnavailableError(
          `Image "${spec.image}" is not available locally: build it (runtime images: run ` +
            `"scripts/build-runtimes.sh") or load it with "docker load"`,
          { cause: error },
        );
      }
    });
    try {
      await this.#call("start a container", () => container.start());
      const info = await this.#call("inspect a container", () => container.inspect());
      const port = info.NetworkSettings.Ports?.[EXECUTOR_PORT]?.[0]?.HostPort;
      if (!port) throw new UnavailableError(`Container ${container.id} has no published port`);
      return { id: container.id, executor: new HttpExecutor(`http://127.0.0.1:${port}`) };
    } catch (error) {
      await this.remove(container.id);
      throw error;
    }
  }

  async #ensureNetwork(): Promise<void> {
    const network = this.#docker.getNetwork(FUNCTION_NETWORK);
    try {
      await network.inspect();
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    try {
      await this.#docker.createNetwork({
        Name: FUNCTION_NETWORK,
        Driver: "bridge",
        CheckDuplicate: true,
        Options: { "com.docker.network.bridge.enable_icc": "false" },
        Labels: { "serverledge.network": "functions" },
      });
    } catch (error) {
      // Another node created it at the same moment.
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    }
  }

  #createContainer(spec: ContainerSpec) {
    return this.#docker.createContainer({
      Image: spec.image,
      Labels: { ...spec.labels, [NODE_LABEL]: this.#nodeId },
      ExposedPorts: { [EXECUTOR_PORT]: {} },
      StopTimeout: 1,
      HostConfig: {
        PortBindings: { [EXECUTOR_PORT]: [{ HostIp: "127.0.0.1", HostPort: "" }] },
        NetworkMode: FUNCTION_NETWORK,
        Memory: spec.memoryMB * 1024 * 1024,
        MemorySwap: spec.memoryMB * 1024 * 1024,
        NanoCpus: spec.cpus > 0 ? Math.round(spec.cpus * 1e9) : 0,
        PidsLimit: PIDS_LIMIT,
        SecurityOpt: ["no-new-privileges"],
        CapDrop: ["ALL"],
      },
    });
  }

  /** @inheritdoc */
  async resize(id: string, limits: { memoryMB: number; cpus: number }): Promise<void> {
    const bytes = limits.memoryMB * 1024 * 1024;
    await this.#call("resize a container", () =>
      this.#docker.getContainer(id).update({
        Memory: bytes,
        MemorySwap: bytes,
        NanoCpus: limits.cpus > 0 ? Math.round(limits.cpus * 1e9) : 0,
      }));
  }

  /** @inheritdoc */
  async remove(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: true });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 409) return;
      throw this.#unavailable("remove a container", error);
    }
  }

  /**
   * The container's state; for a removed one, its exit code and stop time from the engine's
   * `die` event of the last {@linkcode STOP_EVENTS_LOOKBACK_S} seconds, when it still has it.
   */
  async inspect(id: string): Promise<ContainerState> {
    try {
      const { State } = await this.#docker.getContainer(id).inspect();
      const stopped = !State.Running && Date.parse(State.FinishedAt);
      return {
        exists: true,
        running: State.Running,
        paused: State.Paused,
        oomKilled: State.OOMKilled,
        exitCode: State.ExitCode,
        ...(stopped && stopped > 0 ? { stoppedAt: stopped } : {}),
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        throw this.#unavailable("inspect a container", error);
      }
    }
    const die = await this.#call("read the events of a container", () => this.#lastDie(id));
    return {
      exists: false,
      running: false,
      paused: false,
      oomKilled: false,
      exitCode: die ? Number(die.Actor?.Attributes?.exitCode ?? 0) : 0,
      ...(die?.timeNano ? { stoppedAt: Math.floor(die.timeNano / 1e6) } : {}),
    };
  }

  /** The latest `die` event of container `id` the engine still keeps, if any. */
  async #lastDie(id: string): Promise<_DieEvent | undefined> {
    const now = Date.now() / 1000;
    const stream = await this.#docker.getEvents({
      since: Math.floor(now - STOP_EVENTS_LOOKBACK_S),
      until: now, // in the past: the engine sends what it keeps and ends the stream
      filters: { container: [id], event: ["die"] },
    });
    let text = "";
    for await (const chunk of stream) text += chunk.toString();
    const events = text.split("\n").filter((line) => line.trim() !== "");
    return events.length > 0 ? JSON.parse(events[events.length - 1]) as _DieEvent : undefined;
  }

  /** @inheritdoc */
  async removeAll(): Promise<number> {
    const found = await this.#call("list containers", () =>
      this.#docker.listContainers({
        all: true,
        filters: { label: [`${NODE_LABEL}=${this.#nodeId}`] },
      }));
    await Promise.all(found.map((c) => this.remove(c.Id)));
    return found.length;
  }

  /** @inheritdoc */
  async hasImage(image: string): Promise<boolean> {
    try {
      await this.#docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw this.#unavailable("inspect an image", error);
    }
  }

  /** @inheritdoc */
  async ping(): Promise<void> {
    await this.#call("reach the daemon", () => this.#docker.ping());
    await this.#call("prepare the function network", () => this.#ensureNetwork());
  }

  async #call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UnavailableError) throw error;
      throw this.#unavailable(action, error);
    }
  }

  #unavailable(action: string, error: unknown): UnavailableError {
    const detail = (error as { json?: { message?: string } }).json?.message ??
      (error as Error).message;
    const hint = (error as { code?: string }).code === "ENOENT" ||
        (error as { code?: string }).code === "ECONNREFUSED"
      ? ` (no daemon answers at "${this.#socketPath}": run "sudo scripts/setup-docker.sh")`
      : "";
    return new UnavailableError(`Docker could not ${action}: ${detail}${hint}`, { cause: error });
  }
}

function defaultSocketPath(): string {
  const host = Deno.env.get("DOCKER_HOST");
  return host?.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}
