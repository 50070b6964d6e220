/**
 * The Docker backend (on the Engine API client of `docker_api.ts`): containers with memory, CPU, pids and open-files limits, no
 * privileges, a read-only root filesystem with sized tmpfs mounts for `/tmp` and the code
 * directory, a capped log, the executor reached on a Unix socket in a directory of its own
 * (when the image declares {@linkcode TRANSPORT_LABEL}, see `executor_transport.ts`) or else
 * on its port published on 127.0.0.1 only, the `serverledge.node` label, and a function network
 * kept away from the host (see `host_firewall.ts`).
 *
 * @module
 */
import { UnavailableError } from "../errors.ts";
import type {
  ContainerBackend,
  ContainerHandle,
  ContainerSpec,
  ContainerState,
} from "./backend.ts";
import {
  type ContainerCreate,
  DockerApi,
  DockerApiError,
  type EngineEvent,
  type NetworkInspect,
  statusOf,
} from "./docker_api.ts";
import type { CpuReading } from "./cpu_time.ts";
import type { HttpExecutor } from "./executor.ts";
import { SERVERLEDGE_CODE_DIR } from "./executor_contract.ts";
import {
  createSocketDir,
  EXECUTOR_PORT,
  portExecutor,
  socketExecutor,
} from "./executor_transport.ts";
import { isolateFromHost } from "./host_firewall.ts";
import { ImageBook, type ImageFacts, missingImage } from "./image_book.ts";
import {
  CONTAINER_SOCKET_DIR,
  DEFAULT_SOCKET_ROOT,
  SOCKET_NAME,
  type SocketDir,
  SocketDirs,
} from "./socket_dirs.ts";

export { TRANSPORT_LABEL } from "./executor_transport.ts";

/** Label naming the node that owns a container. */
export const NODE_LABEL = "serverledge.node";
const PIDS_LIMIT = 256;
/** Open files (sockets included) a container's processes may each hold. */
export const NOFILE_LIMIT = 4096;
/**
 * Size of a container's Docker log file; Docker keeps it and the one before, so at most twice
 * this of what a container prints outside the executor's capture.
 */
export const LOG_MAX_SIZE = "1m";
const MIB = 1024 * 1024;
/** Seconds of engine events searched for the stop of a container that was removed. */
const STOP_EVENTS_LOOKBACK_S = 600;

/**
 * Bridge network of function containers, with inter-container traffic disabled: a function
 * cannot reach another function's executor; the node reaches each through its published port.
 */
export const FUNCTION_NETWORK = "serverledge-functions";

/** How every container of the backend is confined, beyond the limits of its spec. */
export interface SandboxOptions {
  /** Size of `/tmp` (and `/dev/shm`) in MB (`container.disk.mb`). */
  diskMB: number;
  /** Size of the code directory in MB: room for the largest code the node accepts. */
  codeDirMB: number;
  /** CPU limit of a container whose spec asks none (`container.cpus.default`). */
  defaultCpus: number;
  /** Whether the backend installs the host firewall before its first container (`container.host.isolation`). */
  isolateHost: boolean;
}

/** What the backend keeps of a container it started. */
interface Started {
  executor: HttpExecutor;
  /** Its socket directory, when it has one. */
  socketDir?: string;
}

/** Options of {@linkcode DockerBackend}. */
export interface DockerBackendOptions {
  /** Id of the node; every container gets it as the `serverledge.node` label. */
  nodeId: string;
  /** Writable space, default CPU limit and host firewall. */
  sandbox: SandboxOptions;
  /** Docker socket. @default from `DOCKER_HOST` (unix://) or `/var/run/docker.sock` */
  socketPath?: string;
  /** Parent of the node's directory of executor sockets. @default `/run/serverledge` */
  socketRoot?: string;
}

/** {@linkcode ContainerBackend} on the local Docker daemon. */
export class DockerBackend implements ContainerBackend {
  readonly #docker: DockerApi;
  readonly #nodeId: string;
  readonly #sandbox: SandboxOptions;
  readonly #socketPath: string;
  readonly #images: ImageBook;
  readonly #socketDirs: SocketDirs;
  /** The containers this backend started and has not removed, by id. */
  readonly #started = new Map<string, Started>();
  /** The function network and host firewall, made once, before the first container. */
  #prepared?: Promise<void>;

  /** Connects lazily; call {@linkcode DockerBackend.ping} to check the daemon. */
  constructor(options: DockerBackendOptions) {
    this.#nodeId = options.nodeId;
    this.#sandbox = options.sandbox;
    this.#socketPath = options.socketPath ?? defaultSocketPath();
    this.#docker = new DockerApi(this.#socketPath);
    this.#images = new ImageBook(this.#docker, { [NODE_LABEL]: this.#nodeId });
    this.#socketDirs = new SocketDirs(options.socketRoot ?? DEFAULT_SOCKET_ROOT, this.#nodeId);
  }

  /** The node's directory of executor sockets (one directory per container in it). */
  get socketsDir(): string {
    return this.#socketDirs.nodeDir;
  }

  /** @inheritdoc */
  async start(spec: ContainerSpec): Promise<ContainerHandle> {
    await this.#prepare();
    const image = await this.#call("inspect an image", () => this.#images.facts(spec.image));
    const socket = image.unixSocket
      ? await createSocketDir(this.#socketDirs, image.user)
      : undefined;
    let id: string;
    try {
      id = await this.#call("create a container", async () => {
        try {
          return await this.#docker.createContainer(this.#containerConfig(spec, image, socket));
        } catch (error) {
          throw statusOf(error) === 404 ? missingImage(spec.image, error) : error;
        }
      });
    } catch (error) {
      if (socket) await this.#socketDirs.remove(socket.dir);
      throw error;
    }
    const serverledgeLayout = image.contract === "serverledge";
    try {
      if (serverledgeLayout) await this.#copyCode(id, spec);
      await this.#call("start a container", () => this.#docker.startContainer(id));
      const executor = socket
        ? await socketExecutor(this.#socketDirs, id, socket, image.pipelining)
        : portExecutor(
          await this.#call("inspect a container", () => this.#docker.inspectContainer(id)),
          image.contract,
          (learned) => this.#images.learn(image.id, learned),
          image.pipelining,
        );
      this.#started.set(id, { executor, socketDir: socket?.dir });
      return { id, executor, serverledgeLayout };
    } catch (error) {
      await this.#discard(id, socket?.dir);
      throw error;
    }
  }

  /** Copies `spec.code` into the code folder of created container `id`, as Serverledge does. */
  async #copyCode(id: string, spec: ContainerSpec): Promise<void> {
    if (!spec.code?.files) return;
    const archive = spec.code.archive;
    if (!archive) {
      throw new UnavailableError(
        `Image "${spec.image}" speaks Serverledge's executor contract, which only "custom" ` +
          `functions may use`,
      );
    }
    await this.#call(
      "copy the code into a container",
      () => this.#docker.putArchive(id, SERVERLEDGE_CODE_DIR, archive),
    );
  }

  /** Creates the function network when it is missing; resolves its inspection. */
  async #ensureNetwork(): Promise<NetworkInspect> {
    try {
      return await this.#docker.inspectNetwork(FUNCTION_NETWORK);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
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
      if (statusOf(error) !== 409) throw error;
    }
    return await this.#docker.inspectNetwork(FUNCTION_NETWORK);
  }

  /** A container on its socket directory when it has one, else with its port published. */
  #containerConfig(
    spec: ContainerSpec,
    image: ImageFacts,
    socket: SocketDir | undefined,
  ): ContainerCreate {
    const { diskMB, codeDirMB } = this.#sandbox;
    const { uid, gid } = image.user;
    const owner = `uid=${uid}${gid === undefined ? "" : `,gid=${gid}`}`;
    const reach = socket
      ? {
        Env: [`EXECUTOR_SOCKET=${CONTAINER_SOCKET_DIR}/${SOCKET_NAME}`],
        host: {
          Mounts: [{ Type: "bind" as const, Source: socket.dir, Target: CONTAINER_SOCKET_DIR }],
        },
      }
      : {
        ExposedPorts: { [EXECUTOR_PORT]: {} },
        host: { PortBindings: { [EXECUTOR_PORT]: [{ HostIp: "127.0.0.1", HostPort: "" }] } },
      };
    const { host, ...config } = reach;
    // Serverledge's images (on a port, never a socket) find the code copied in before the
    // start, and what the image keeps there, in a volume of the container's own: a tmpfs
    // would hide both.
    const serverledge = image.contract === "serverledge";
    return {
      Image: spec.image,
      Labels: { ...spec.labels, [NODE_LABEL]: this.#nodeId },
      ...config,
      StopTimeout: 1,
      HostConfig: {
        ...host,
        NetworkMode: FUNCTION_NETWORK,
        Memory: spec.memoryMB * 1024 * 1024,
        MemorySwap: spec.memoryMB * 1024 * 1024,
        NanoCpus: this.#nanoCpus(spec.cpus),
        PidsLimit: PIDS_LIMIT,
        Ulimits: [{ Name: "nofile", Soft: NOFILE_LIMIT, Hard: NOFILE_LIMIT }],
        SecurityOpt: ["no-new-privileges"],
        CapDrop: ["ALL"],
        ReadonlyRootfs: true,
        ...(serverledge
          ? { Mounts: [{ Type: "volume" as const, Target: SERVERLEDGE_CODE_DIR }] }
          : {}),
        // The code directory's options win when an image keeps its code in /tmp.
        Tmpfs: {
          "/tmp": `rw,nosuid,nodev,exec,size=${diskMB}m`,
          ...(serverledge
            ? {}
            : { [image.codeDir]: `rw,nosuid,nodev,exec,${owner},size=${codeDirMB}m` }),
        },
        ShmSize: diskMB * MIB,
        LogConfig: { Type: "json-file", Config: { "max-size": LOG_MAX_SIZE, "max-file": "1" } },
      },
    };
  }

  /** @inheritdoc */
  async resize(id: string, limits: { memoryMB: number; cpus: number }): Promise<void> {
    const bytes = limits.memoryMB * 1024 * 1024;
    await this.#call("resize a container", () =>
      this.#docker.updateContainer(id, {
        Memory: bytes,
        MemorySwap: bytes,
        NanoCpus: this.#nanoCpus(limits.cpus),
      }));
  }

  /** Docker's CPU limit for `cpus` (0 asks for the default limit). */
  #nanoCpus(cpus: number): number {
    return Math.round((cpus > 0 ? cpus : this.#sandbox.defaultCpus) * 1e9);
  }

  /** @inheritdoc */
  async remove(id: string): Promise<void> {
    const started = this.#started.get(id);
    this.#started.delete(id);
    started?.executor.close();
    await this.#discard(id, started?.socketDir);
  }

  /** Removes container `id` and its socket directory, when it has one. */
  async #discard(id: string, socketDir: string | undefined): Promise<void> {
    try {
      await this.#docker.removeContainer(id);
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 409) throw this.#unavailable("remove a container", error);
    } finally {
      if (socketDir) await this.#socketDirs.remove(socketDir);
    }
  }

  /** @inheritdoc */
  async cpuReading(id: string): Promise<CpuReading | undefined> {
    try {
      return await this.#docker.containerCpu(id);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#unavailable("read the CPU time of a container", error);
    }
  }

  /**
   * The container's state; for a removed one, its exit code and stop time from the engine's
   * `die` event of the last {@linkcode STOP_EVENTS_LOOKBACK_S} seconds, when it still has it.
   */
  async inspect(id: string): Promise<ContainerState> {
    try {
      const { State } = await this.#docker.inspectContainer(id);
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
      if (statusOf(error) !== 404) {
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
  async #lastDie(id: string): Promise<EngineEvent | undefined> {
    const now = Date.now() / 1000;
    const events = await this.#docker.events({
      since: Math.floor(now - STOP_EVENTS_LOOKBACK_S),
      until: now, // in the past: the engine sends what it keeps and ends the stream
      filters: { container: [id], event: ["die"] },
    });
    return events.at(-1);
  }

  /** @inheritdoc */
  async removeAll(): Promise<number> {
    const found = await this.#call(
      "list containers",
      () => this.#docker.listContainers([`${NODE_LABEL}=${this.#nodeId}`]),
    );
    await Promise.all(found.map((id) => this.remove(id)));
    await this.#socketDirs.removeAll();
    return found.length;
  }

  /** @inheritdoc */
  async hasImage(image: string): Promise<boolean> {
    try {
      await this.#docker.inspectImage(image);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.#unavailable("inspect an image", error);
    }
  }

  /** @inheritdoc */
  async ping(): Promise<void> {
    await this.#call("reach the daemon", () => this.#docker.ping());
    await this.#prepare();
  }

  /**
   * Makes the function network and, with `isolateHost`, the host firewall, once: the first
   * {@linkcode DockerBackend.ping} or start does it, so no container starts without them. A
   * failure is tried again by the next call.
   */
  #prepare(): Promise<void> {
    this.#prepared ??= (async () => {
      const network = await this.#call(
        "prepare the function network",
        () => this.#ensureNetwork(),
      );
      if (!this.#sandbox.isolateHost) return;
      await isolateFromHost({
        network: FUNCTION_NETWORK,
        bridge: network.Options?.["com.docker.network.bridge.name"] ??
          `br-${network.Id.slice(0, 12)}`,
        ipv6: network.EnableIPv6 === true,
      });
    })().catch((error) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
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
    const hint = error instanceof DockerApiError && error.unreachable
      ? ` (no daemon answers at "${this.#socketPath}": run "sudo scripts/setup-docker.sh")`
      : "";
    return new UnavailableError(`Docker could not ${action}: ${(error as Error).message}${hint}`, {
      cause: error,
    });
  }
}

function defaultSocketPath(): string {
  const host = Deno.env.get("DOCKER_HOST");
  return host?.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}
