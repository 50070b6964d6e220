/**
 * The connection to etcd shared by the parts of the etcd registry: the client and its options
 * (credentials and TLS included), the address parsing, and the mapping of every call to a
 * deadline and to this project's errors.
 *
 * @module
 */
import {
  Etcd3,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCInternalError,
  GRPCUnavailableError,
  GRPCUnknownError,
  type IOptions,
  type IResponseHeader,
} from "etcd3";
import { HttpError, PayloadTooLargeError, UnavailableError } from "../../errors.ts";
import { backoffDelay } from "../../timing/backoff.ts";
import { TimeoutError, withTimeout } from "../../timing/timeout.ts";
import type { EtcdClientSecurity } from "./client_security.ts";
import { etcdErrorMessage, explainEtcdFailure } from "./failure.ts";
import { FUNCTION_PREFIX } from "./key_prefixes.ts";
import { dropIpServerNames } from "./tls_server_name.ts";

/** Milliseconds a watch waits before reconnecting, first and at most. */
const WATCH_BACKOFF_MS = { firstMs: 100, maxMs: 2_000 };

type _FaultHandling = NonNullable<IOptions["faultHandling"]>;
type _HostPolicy = ReturnType<NonNullable<_FaultHandling["host"]>>;
type _GlobalPolicy = NonNullable<_FaultHandling["global"]>;
type _Backoff = NonNullable<_FaultHandling["watchBackoff"]>;

/**
 * An etcd client whose calls fail with `UnavailableError` within `timeoutMs`, and which
 * remembers the latest revision its calls saw (where watches start from).
 *
 * @example
 * ```ts
 * import { EtcdConnection } from "./connection.ts";
 *
 * const connection = new EtcdConnection("127.0.0.1:2379", 3_000);
 * try {
 *   const result = await connection.call(() => connection.client.get("/function/").exec());
 *   console.log(result.kvs.length, connection.revision);
 * } finally {
 *   connection.close();
 * }
 * ```
 */
export class EtcdConnection {
  /** The address as given to the constructor. */
  readonly address: string;
  /** Milliseconds one call may take, retries included. */
  readonly timeoutMs: number;
  /** The npm `etcd3` client. */
  readonly client: Etcd3;
  #options: IOptions;
  #security: EtcdClientSecurity;
  #revision = 0n;

  /**
   * Creates a client of the etcd at `address` (`host:port`, as Serverledge's `etcd.address`
   * gives it, or an `http://` / `https://` URL); it connects on the first call. With
   * `security.credentials` it connects with TLS whatever the address's scheme; with
   * `security.auth` it authenticates as that user.
   *
   * @throws {TypeError} when `address` is malformed
   * @throws {RangeError} when `timeoutMs` is not positive
   */
  constructor(address: string, timeoutMs: number, security: EtcdClientSecurity = { files: {} }) {
    if (!(timeoutMs > 0)) {
      throw new RangeError(`Etcd timeout "${timeoutMs}" is invalid: it must be positive`);
    }
    const host = etcdHost(address);
    this.#options = _clientOptions(host, timeoutMs, security);
    this.#security = security;
    if (this.tls) dropIpServerNames();
    this.client = new Etcd3(this.#options);
    this.address = address;
    this.timeoutMs = timeoutMs;
  }

  /** Whether the connection uses TLS (TLS files given, or an `https://` address). */
  get tls(): boolean {
    return this.#security.credentials !== undefined ||
      String(this.#options.hosts).startsWith("https://");
  }

  /** Whether etcd's host is a loopback address (`localhost`, `127.x.x.x`, `::1`). */
  get loopback(): boolean {
    const { hostname } = new URL(
      `https://${String(this.#options.hosts).replace(/^https:\/\//, "")}`,
    );
    return hostname === "localhost" || hostname === "[::1]" || /^127\./.test(hostname);
  }

  /**
   * A new client with the same options but no user: for a first call that shows why a
   * connection fails (npm `etcd3` loses the reason when authentication is what fails).
   */
  createAnonymousClient(): Etcd3 {
    return new Etcd3({ ...this.#options, auth: undefined });
  }

  /**
   * Makes npm `etcd3` authenticate again if etcd no longer accepts its token: one call, which
   * etcd3 retries with a new token when etcd says the token is invalid (a read of
   * `/function/`, which the node's user may read). Without a user it is a plain call.
   *
   * @throws {UnavailableError} when etcd does not answer or refuses the user
   */
  async renewAuthToken(): Promise<void> {
    await this.call(() => this.client.get(FUNCTION_PREFIX).exec());
  }

  /** The latest revision seen by a call (0 before the first). */
  get revision(): bigint {
    return this.#revision;
  }

  /**
   * Runs one etcd call within the timeout, records the revision it saw and turns its failure
   * into `UnavailableError` (or `PayloadTooLargeError` when etcd refuses the size).
   */
  async call<T extends { header: IResponseHeader }>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await withTimeout(call(), this.timeoutMs);
      const revision = BigInt(result.header.revision);
      if (revision > this.#revision) this.#revision = revision;
      return result;
    } catch (error) {
      throw this.#error(error);
    }
  }

  /**
   * Grants a lease of `ttlSeconds`, rounded up to whole seconds (etcd raises it to its minimum
   * lease TTL, 2 s with default settings); resolves its id.
   *
   * @throws {UnavailableError} when etcd does not answer (see {@linkcode EtcdConnection.call})
   */
  async grantLease(ttlSeconds: number): Promise<string> {
    const TTL = Math.ceil(ttlSeconds);
    const lease = await this.call(() => this.client.leaseClient.leaseGrant({ TTL }));
    return lease.ID;
  }

  /** Closes the client. */
  close(): void {
    this.client.close();
  }

  #error(error: unknown): Error {
    if (error instanceof HttpError) return error;
    const explained = explainEtcdFailure(error, {
      host: etcdHost(this.address),
      tls: this.tls,
      username: this.#security.auth?.username,
      ...this.#security.files,
    });
    if (explained !== undefined) {
      return new UnavailableError(`Registry "etcd" at "${this.address}" ${explained}`, {
        cause: error,
      });
    }
    const detail = etcdErrorMessage(error);
    if (/request is too large|larger than max/i.test(detail)) {
      return new PayloadTooLargeError(`Registry "etcd" at "${this.address}" refused: ${detail}`, {
        cause: error,
      });
    }
    return new UnavailableError(`Registry "etcd" at "${this.address}" is unavailable: ${detail}`, {
      cause: error,
    });
  }
}

/**
 * The host (`host:port`, or `https://host:port` for TLS) that npm `etcd3` takes for an
 * address as Serverledge's `etcd.address` gives it: `host:port` or an `http(s)://` URL.
 *
 * @throws {TypeError} when `address` is malformed
 *
 * @example
 * ```ts
 * import { etcdHost } from "./connection.ts";
 *
 * etcdHost("127.0.0.1:2379"); // "127.0.0.1:2379"
 * etcdHost("http://127.0.0.1:2379/"); // "127.0.0.1:2379"
 * ```
 */
export function etcdHost(address: string): string {
  const trimmed = address.trim();
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new TypeError(`Etcd address "${address}" is invalid: expected "host:port"`, {
      cause: error,
    });
  }
  const plain = url.protocol === "http:" || url.protocol === "https:";
  if (!plain || url.hostname === "" || url.pathname !== "/" || url.search || url.username) {
    throw new TypeError(`Etcd address "${address}" is invalid: expected "host:port"`);
  }
  const port = url.port || (url.protocol === "https:" ? "443" : "2379");
  const host = `${url.hostname}:${port}`;
  return url.protocol === "https:" ? `https://${host}` : host;
}

/**
 * Whether a failed {@linkcode EtcdConnection.call} may have reached etcd, so that a write may
 * have been applied (or may still be): the call timed out, or its connection broke or was
 * cancelled while it ran. False when the client had no connection to send it on (etcd down)
 * or etcd answered with an error.
 *
 * @example
 * ```ts
 * import { mayHaveReachedEtcd } from "./connection.ts";
 * import { TimeoutError } from "../../timing/timeout.ts";
 *
 * mayHaveReachedEtcd(new Error("", { cause: new TimeoutError(3_000) })); // true
 * ```
 */
export function mayHaveReachedEtcd(error: unknown): boolean {
  const cause = error instanceof HttpError ? error.cause : error;
  if (cause instanceof TimeoutError) return true;
  if (cause instanceof GRPCUnavailableError) {
    // grpc-js fails a call it never sent with this, when no connection is ready.
    return !/No connection established/.test(etcdErrorMessage(cause));
  }
  return cause instanceof GRPCDeadlineExceededError || cause instanceof GRPCCancelledError ||
    cause instanceof GRPCUnknownError || cause instanceof GRPCInternalError;
}

/**
 * Client options: the credentials, a deadline on every call, no circuit breaker, no retry of a
 * failed call (a write retried after its answer was lost would fail its own condition and be
 * reported as refused), not even grpc-js's transparent one of a call it thinks etcd did not
 * process (each call is sent once; a failed write's outcome is the fence's to settle), quick
 * reconnection.
 */
function _clientOptions(host: string, timeoutMs: number, security: EtcdClientSecurity): IOptions {
  return {
    hosts: host,
    auth: security.auth && { ...security.auth },
    credentials: security.credentials && { ...security.credentials },
    defaultCallOptions: (context) => context.isStream ? {} : { deadline: Date.now() + timeoutMs },
    faultHandling: {
      host: () => _noopPolicy,
      global: _noopPolicy as unknown as _GlobalPolicy,
      watchBackoff: _watchBackoff(0, 0),
    },
    grpcOptions: {
      "grpc.enable_retries": 0,
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1_000,
      "grpc.keepalive_time_ms": 10_000,
      "grpc.keepalive_timeout_ms": 5_000,
      "grpc.max_receive_message_length": -1,
      "grpc.max_send_message_length": -1,
    },
  };
}

/**
 * A cockatiel policy that just runs the call. It replaces etcd3's default per-host circuit
 * breaker, which refuses every call for 5 s after 3 failures (too slow after an etcd restart),
 * and its default global policy, which runs a failed call up to 3 times.
 */
const _noopPolicy = {
  execute: <T>(call: (context: { signal: AbortSignal }) => PromiseLike<T> | T) =>
    Promise.resolve().then(() => call({ signal: new AbortController().signal })),
} as unknown as _HostPolicy;

/** Watch reconnection delays: `duration` now, then doubling from 100 ms up to 2 s. */
function _watchBackoff(duration: number, retry: number): _Backoff {
  return { duration, next: () => _watchBackoff(backoffDelay(retry, WATCH_BACKOFF_MS), retry + 1) };
}
