/**
 * A small client of the Docker Engine API over the daemon's Unix socket, on the node's own
 * HTTP/1.1 client (`server/http/client.ts`): typed calls for exactly what the Docker backend
 * uses, nothing more. The API version is negotiated once, on the first call, from
 * `GET /version` ({@linkcode API_VERSION} when the daemon serves it, else the daemon's oldest
 * version); every later path carries it (`/v1.41/...`). A failed call throws a
 * {@linkcode DockerApiError}: the daemon's answer status and message, or why the daemon could
 * not be reached.
 *
 * @example
 * ```ts
 * import { DockerApi } from "./docker_api.ts";
 *
 * const docker = new DockerApi("/var/run/docker.sock");
 * console.log(docker.socketPath); // /var/run/docker.sock
 * docker.close();
 * ```
 *
 * @module
 */
import { HttpClient, HttpClientError, type HttpClientFailure } from "../http/client.ts";
import type { CpuReading } from "./cpu_time.ts";

/** The Engine API version this client is written against (Docker 20.10). */
export const API_VERSION = "1.41";
/** Idle connections to the daemon kept for reuse. */
const MAX_IDLE = 16;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A Docker API call failed. */
export class DockerApiError extends Error {
  /** The daemon's answer status (e.g. 404, 409), when it answered. */
  readonly statusCode?: number;
  /** Why the request failed, when the daemon gave no answer. */
  readonly failure?: HttpClientFailure;
  /** Whether no daemon listens at the socket (it does not exist, or refuses connections). */
  readonly unreachable: boolean;

  /** @param message what went wrong @param details the status, or the client's failure */
  constructor(
    message: string,
    details: { statusCode?: number; failure?: HttpClientFailure; unreachable?: boolean },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DockerApiError";
    this.statusCode = details.statusCode;
    this.failure = details.failure;
    this.unreachable = details.unreachable ?? false;
  }
}

/** The fields of an image inspection the backend reads. */
export interface ImageInspect {
  /** Image id, `sha256:…`. */
  Id: string;
  /** Its configuration. */
  Config?: {
    /** `KEY=value` entries. */
    Env?: string[] | null;
    /** `USER`, empty for root. */
    User?: string;
    /** Labels. */
    Labels?: Record<string, string> | null;
  };
}

/** The fields of a container inspection the backend reads. */
export interface ContainerInspect {
  /** Container id. */
  Id: string;
  /** Its state. */
  State: {
    /** Whether it runs (paused ones included). */
    Running: boolean;
    /** Whether it is paused. */
    Paused: boolean;
    /** Whether the kernel's OOM killer ended it. */
    OOMKilled: boolean;
    /** Exit code of its last run. */
    ExitCode: number;
    /** When it last stopped (RFC 3339; year 1 when never). */
    FinishedAt: string;
  };
  /** Its networking. */
  NetworkSettings: {
    /** Published ports: `"8080/tcp"` to its host bindings. */
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

/** The fields of the Engine API's container stats the backend reads. */
interface ContainerStats {
  /** When the daemon read them (RFC 3339; year 1 when it could not). */
  read?: string;
  /** Processes in the container (none once it stopped; absent without a pids controller). */
  pids_stats?: { current?: number };
  /** CPU accounting. */
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
}

/** What creating a container takes: the fields of the Engine API's body the backend sets. */
export interface ContainerCreate {
  /** Image name or id. */
  Image: string;
  /** Labels. */
  Labels?: Record<string, string>;
  /** `KEY=value` entries. */
  Env?: string[];
  /** Ports exposed, e.g. `{ "8080/tcp": {} }`. */
  ExposedPorts?: Record<string, Record<never, never>>;
  /** Seconds to wait after the stop signal. */
  StopTimeout?: number;
  /** No network at all. */
  NetworkDisabled?: boolean;
  /** Limits, mounts and isolation. */
  HostConfig: HostConfig;
}

/** The host configuration fields the backend sets. */
export interface HostConfig {
  /** Network to join. */
  NetworkMode?: string;
  /** Bind mounts. */
  Mounts?:
    ({ Type: "bind"; Source: string; Target: string } | { Type: "volume"; Target: string })[];
  /** Published ports. */
  PortBindings?: Record<string, { HostIp: string; HostPort: string }[]>;
  /** Memory limit, bytes. */
  Memory?: number;
  /** Memory plus swap, bytes. */
  MemorySwap?: number;
  /** CPU limit, in 1e-9 CPUs. */
  NanoCpus?: number;
  /** Most processes. */
  PidsLimit?: number;
  /** Resource limits. */
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
  /** Security options. */
  SecurityOpt?: string[];
  /** Capabilities dropped. */
  CapDrop?: string[];
  /** Whether the root filesystem is read-only. */
  ReadonlyRootfs?: boolean;
  /** tmpfs mounts: path to options. */
  Tmpfs?: Record<string, string>;
  /** Size of `/dev/shm`, bytes. */
  ShmSize?: number;
  /** Log driver. */
  LogConfig?: { Type: string; Config: Record<string, string> };
}

/** The fields of a network inspection the backend reads. */
export interface NetworkInspect {
  /** Network id. */
  Id: string;
  /** Driver options, e.g. `com.docker.network.bridge.name`. */
  Options?: Record<string, string> | null;
  /** Whether it has IPv6. */
  EnableIPv6?: boolean;
}

/** What creating a network takes. */
export interface NetworkCreate {
  /** Name. */
  Name: string;
  /** Driver, e.g. `bridge`. */
  Driver: string;
  /** Refuse a second network of the same name. */
  CheckDuplicate?: boolean;
  /** Driver options. */
  Options?: Record<string, string>;
  /** Labels. */
  Labels?: Record<string, string>;
}

/** One engine event, as far as the backend reads it. */
export interface EngineEvent {
  /** The action, e.g. `die`. */
  Action?: string;
  /** When it happened, nanoseconds since the epoch. */
  timeNano?: number;
  /** What it happened to. */
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Which past events {@linkcode DockerApi.events} asks for. */
export interface EventQuery {
  /** Seconds since the epoch. */
  since: number;
  /** Seconds since the epoch, not in the future: the daemon then ends the stream. */
  until: number;
  /** Filters, e.g. `{ container: [id], event: ["die"] }`. */
  filters: Record<string, string[]>;
}

/** A request to the daemon. */
interface Call {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean>;
  /** JSON body. */
  body?: unknown;
  /** Tar archive body (instead of `body`). */
  tar?: Uint8Array;
}

/** Client of one Docker daemon's Engine API. */
export class DockerApi {
  /** The daemon's Unix socket. */
  readonly socketPath: string;
  readonly #http: HttpClient;
  #prefix: Promise<string> | undefined;

  /** Connects lazily, on the first call. */
  constructor(socketPath: string) {
    this.socketPath = socketPath;
    this.#http = new HttpClient({ transport: "unix", path: socketPath }, { maxIdle: MAX_IDLE });
  }

  /** Resolves when the daemon answers `GET /_ping`. */
  async ping(): Promise<void> {
    await this.#send({ method: "GET", path: "/_ping" }, false);
  }

  /** Inspects image `name` (a name or an id). */
  inspectImage(name: string): Promise<ImageInspect> {
    return this.#json({ method: "GET", path: `/images/${segment(name)}/json` });
  }

  /** Creates a container; resolves its id. */
  async createContainer(config: ContainerCreate): Promise<string> {
    const created = await this.#json<{ Id: string }>({
      method: "POST",
      path: "/containers/create",
      body: config,
    });
    return created.Id;
  }

  /** Starts container `id` (a container that runs already is left as it is). */
  async startContainer(id: string): Promise<void> {
    await this.#send({ method: "POST", path: `/containers/${segment(id)}/start` });
  }

  /** Inspects container `id`. */
  inspectContainer(id: string): Promise<ContainerInspect> {
    return this.#json({ method: "GET", path: `/containers/${segment(id)}/json` });
  }

  /**
   * The CPU time container `id` used so far, as the daemon last sampled it (it samples about
   * once a second: a call may wait that long); `undefined` when it does not run.
   */
  async containerCpu(id: string): Promise<CpuReading | undefined> {
    const stats = await this.#json<ContainerStats>({
      method: "GET",
      path: `/containers/${segment(id)}/stats`,
      query: { stream: false, "one-shot": true },
    });
    const used = stats.cpu_stats?.cpu_usage?.total_usage;
    const at = Date.parse(stats.read ?? "");
    if (typeof used !== "number" || !(at > 0) || stats.pids_stats?.current === 0) return undefined;
    return { seconds: used / 1e9, at };
  }

  /** Changes the limits of container `id`. */
  async updateContainer(
    id: string,
    limits: Pick<HostConfig, "Memory" | "MemorySwap" | "NanoCpus">,
  ): Promise<void> {
    await this.#send({ method: "POST", path: `/containers/${segment(id)}/update`, body: limits });
  }

  /** Removes container `id` and its anonymous volumes, killing it first when it runs. */
  async removeContainer(id: string): Promise<void> {
    await this.#send({
      method: "DELETE",
      path: `/containers/${segment(id)}`,
      query: { force: true, v: true },
    });
  }

  /** Ids of every container (running or not) carrying all of `labels` (`key=value`). */
  async listContainers(labels: string[]): Promise<string[]> {
    const found = await this.#json<{ Id: string }[]>({
      method: "GET",
      path: "/containers/json",
      query: { all: true, filters: JSON.stringify({ label: labels }) },
    });
    return found.map((container) => container.Id);
  }

  /** The past events `query` selects, oldest first. */
  async events(query: EventQuery): Promise<EngineEvent[]> {
    const answer = await this.#send({
      method: "GET",
      path: "/events",
      query: { since: query.since, until: query.until, filters: JSON.stringify(query.filters) },
    });
    return decoder.decode(answer).split("\n").filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as EngineEvent);
  }

  /** Inspects network `name` (a name or an id). */
  inspectNetwork(name: string): Promise<NetworkInspect> {
    return this.#json({ method: "GET", path: `/networks/${segment(name)}` });
  }

  /** Creates a network. */
  async createNetwork(config: NetworkCreate): Promise<void> {
    await this.#send({ method: "POST", path: "/networks/create", body: config });
  }

  /** A tar archive of `path` in container `id` (the container need not run). */
  archive(id: string, path: string): Promise<Uint8Array> {
    return this.#send({
      method: "GET",
      path: `/containers/${segment(id)}/archive`,
      query: { path },
    });
  }

  /**
   * Extracts tar archive `tar` into folder `path` of container `id` (which need not run; a
   * read-only root filesystem takes it only into a volume).
   */
  async putArchive(id: string, path: string, tar: Uint8Array): Promise<void> {
    await this.#send({
      method: "PUT",
      path: `/containers/${segment(id)}/archive`,
      query: { path },
      tar,
    });
  }

  /** Closes the connections to the daemon; later calls fail. */
  close(): void {
    this.#http.close();
  }

  async #json<T>(call: Call): Promise<T> {
    return JSON.parse(decoder.decode(await this.#send(call))) as T;
  }

  /** Sends `call` (under the negotiated version prefix when `versioned`); resolves its body. */
  async #send(call: Call, versioned = true): Promise<Uint8Array> {
    const prefix = versioned ? await this.#versionPrefix() : "";
    const query = call.query
      ? `?${new URLSearchParams(Object.entries(call.query).map(([k, v]) => [k, String(v)]))}`
      : "";
    let answer;
    try {
      answer = await this.#http.request({
        method: call.method,
        path: `${prefix}${call.path}${query}`,
        ...(call.tar ? { body: call.tar, contentType: "application/x-tar" } : {}),
        ...(call.body === undefined
          ? {}
          : { body: encoder.encode(JSON.stringify(call.body)), contentType: "application/json" }),
      });
    } catch (error) {
      throw unanswered(error);
    }
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    if (answer.status === 304) return answer.body; // start of a running container
    throw new DockerApiError(errorMessage(answer.status, answer.body), {
      statusCode: answer.status,
    });
  }

  /** `/v<version>`, from the daemon's `GET /version`, asked once. */
  #versionPrefix(): Promise<string> {
    if (this.#prefix) return this.#prefix;
    const prefix = this.#send({ method: "GET", path: "/version" }, false).then((body) => {
      const { ApiVersion, MinAPIVersion } = JSON.parse(decoder.decode(body));
      return `/v${chooseVersion(String(ApiVersion), String(MinAPIVersion ?? ApiVersion))}`;
    });
    this.#prefix = prefix;
    // A daemon that did not answer is asked again by the next call.
    prefix.catch(() => {
      if (this.#prefix === prefix) this.#prefix = undefined;
    });
    return prefix;
  }
}

/**
 * The API version to speak with a daemon serving `min` to `max`: {@linkcode API_VERSION} when
 * it is in that range, else the daemon's nearest one.
 *
 * @example
 * ```ts
 * import { chooseVersion } from "./docker_api.ts";
 *
 * console.log(chooseVersion("1.43", "1.12")); // 1.41
 * console.log(chooseVersion("1.52", "1.44")); // 1.44
 * ```
 */
export function chooseVersion(max: string, min: string): string {
  if (compareVersions(API_VERSION, min) < 0) return min;
  if (compareVersions(API_VERSION, max) > 0) return max;
  return API_VERSION;
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  return (x[0] - y[0]) || (x[1] - y[1]);
}

/** The daemon's answer status of a failed Docker API call, if the daemon answered. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof DockerApiError ? error.statusCode : undefined;
}

/** A name or id as one path segment (image names keep their `/`, `:` and `@`). */
function segment(name: string): string {
  return encodeURIComponent(name).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(
    /%40/g,
    "@",
  );
}

/** The daemon's message (its JSON `{"message": …}`, else the body's text). */
function errorMessage(status: number, body: Uint8Array): string {
  const text = decoder.decode(body).trim();
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === "string" && message !== "") return message;
  } catch {
    // not JSON: the text itself
  }
  return text === "" ? `the daemon answered ${status}` : text;
}

/** A failure to get any answer from the daemon. */
function unanswered(error: unknown): DockerApiError {
  if (!(error instanceof HttpClientError)) {
    return new DockerApiError((error as Error).message, {}, { cause: error });
  }
  const cause = error.cause;
  const unreachable = error.failure === "connect" &&
    (cause instanceof Deno.errors.NotFound || cause instanceof Deno.errors.ConnectionRefused);
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new DockerApiError(`${error.message}${detail}`, {
    failure: error.failure,
    unreachable,
  }, { cause: error });
}
