/**
 * The etcd registry: function definitions, async reports and node membership in an etcd
 * shared by every node of a deployment. Keys: `/function/<name>` (definition JSON),
 * `/workflow/<name>` (workflow record JSON), `/workflow-run/<reqId>` (a durable async run under
 * a lease of the async TTL),
 * `/async/<reqId>` (entry JSON under a lease with the entry's TTL) and
 * `/registry/<area>/<edge|cloud>/<id>` (node record JSON under the node's lease, with the node's
 * URL under `registry/<area>/<id>` or `registry/cloud/<area>/<id>`, Go Serverledge's layout, where
 * Go nodes' records are read too). Each part
 * lives in `etcd/`, on one {@linkcode EtcdConnection}.
 *
 * @module
 */
import { checkAccess } from "./etcd/access_check.ts";
import { EtcdAsyncReportStore } from "./etcd/async_reports.ts";
import { type EtcdSecurity, readClientSecurity } from "./etcd/client_security.ts";
import { EtcdConnection } from "./etcd/connection.ts";
import { EtcdFunctionRegistry } from "./etcd/functions.ts";
import { EtcdMembershipRegistry } from "./etcd/membership.ts";
import { EtcdWorkflowRunStore } from "./etcd/workflow_runs.ts";
import { EtcdWorkflowRegistry } from "./etcd/workflows.ts";
import { PrefixWatches } from "./etcd/prefix_watch.ts";
import type { Registry } from "./registry.ts";

/** Milliseconds `close()` waits for etcd to revoke the leases of the nodes still registered. */
const CLOSE_REVOKE_MS = 1_000;

/** Options of {@linkcode EtcdRegistry.open}. */
export interface EtcdRegistryOptions {
  /**
   * Milliseconds one call to etcd may take (retries included) before it fails with
   * `UnavailableError`.
   *
   * @default {3000}
   */
  timeoutMs?: number;
  /**
   * The user the node authenticates as and its client TLS files (`etcd.username`,
   * `etcd.password`, `etcd.tls.*`).
   *
   * @default {{}} (no user; TLS only for an `https://` address, with the default CAs)
   */
  security?: EtcdSecurity;
}

/**
 * {@linkcode Registry} on etcd (v3 API, through npm `etcd3`).
 *
 * Every call fails with `UnavailableError` within `timeoutMs` when etcd does not answer.
 * Watches survive etcd restarts: the client reconnects and replays the changes it missed.
 * Registered nodes stay registered across etcd restarts: a node whose lease is lost
 * registers again under a new one.
 *
 * @example
 * ```ts
 * import { EtcdRegistry } from "./etcd.ts";
 *
 * await using registry = await EtcdRegistry.open("127.0.0.1:2379");
 * const stop = registry.functions.watch((event) => console.log(event.type));
 * console.log(await registry.functions.list());
 * stop();
 *
 * const node = { Id: "n1", Url: "http://127.0.0.1:1323", Area: "ROME", Cloud: false };
 * const unregister = await registry.nodes.register(node, 20);
 * console.log(await registry.nodes.list()); // [node]
 * await unregister();
 * ```
 */
export class EtcdRegistry implements Registry, AsyncDisposable {
  /** Always `etcd`. */
  readonly kind = "etcd";
  /** Function definitions under `/function/`. */
  readonly functions: EtcdFunctionRegistry;
  /** Workflow definitions under `/workflow/`. */
  readonly workflows: EtcdWorkflowRegistry;
  /** Durable async workflow runs under `/workflow-run/`. */
  readonly workflowRuns: EtcdWorkflowRunStore;
  /** Async entries under `/async/`. */
  readonly async: EtcdAsyncReportStore;
  /** Node records under `/registry/` (and Go Serverledge's under `registry/`). */
  readonly nodes: EtcdMembershipRegistry;
  #connection: EtcdConnection;
  #watches: PrefixWatches;

  private constructor(connection: EtcdConnection) {
    this.#connection = connection;
    this.#watches = new PrefixWatches(connection);
    this.functions = new EtcdFunctionRegistry(connection, this.#watches);
    this.workflows = new EtcdWorkflowRegistry(connection, this.#watches);
    this.workflowRuns = new EtcdWorkflowRunStore(connection);
    this.async = new EtcdAsyncReportStore(connection);
    this.nodes = new EtcdMembershipRegistry(connection, this.#watches);
  }

  /**
   * Connects to the etcd at `address` (`host:port`, as Serverledge's `etcd.address` gives it,
   * or an `http://` / `https://` URL), with TLS when `options.security` names TLS files, and
   * checks that it answers and lets this node read and write the registry's keys. Warns when a
   * password would travel without TLS to an etcd on another machine.
   *
   * @throws {TypeError} when `address` is malformed
   * @throws {ConfigError} when `options.security` is incomplete or names a file that cannot be
   * read or does not hold what it should
   * @throws {UnavailableError} when etcd does not answer within `timeoutMs`, or refuses the
   * node: the message says why (user or password, permissions, certificates)
   */
  static async open(address: string, options: EtcdRegistryOptions = {}): Promise<EtcdRegistry> {
    const security = await readClientSecurity(options.security ?? {});
    const connection = new EtcdConnection(address, options.timeoutMs ?? 3_000, security);
    if (security.auth && !connection.tls && !connection.loopback) {
      console.warn(
        `Registry "etcd" at "${address}": the password of etcd.username is sent in clear ` +
          "text; set etcd.tls.ca (or an https:// address) to encrypt the connection",
      );
    }
    const registry = new EtcdRegistry(connection);
    try {
      await checkAccess(connection);
    } catch (error) {
      await registry.close();
      throw error;
    }
    return registry;
  }

  /** The address as given to {@linkcode EtcdRegistry.open}. */
  get address(): string {
    return this.#connection.address;
  }

  /**
   * Stops every watch, stops keeping the registered nodes alive (revoking their leases if etcd
   * answers within a second) and closes the connection.
   */
  async close(): Promise<void> {
    const revokeMs = Math.min(this.#connection.timeoutMs, CLOSE_REVOKE_MS);
    await Promise.all([this.#watches.stopAll(), this.nodes.unregisterAll(revokeMs)]);
    this.#connection.close();
  }

  /** Same as {@linkcode EtcdRegistry.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
