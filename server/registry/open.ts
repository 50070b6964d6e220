/**
 * Chooses and opens the registry backend from the node's config. The etcd backend (etcd3 and
 * its gRPC stack, about 10 MB of a node's memory and 100 ms of its start) is imported only when
 * the config names an etcd.
 *
 * @module
 */
import { EmbeddedRegistry } from "./embedded.ts";
import type { EtcdSecurity } from "./etcd/client_security.ts";
import type { Registry } from "./registry.ts";

/** Options of {@linkcode openRegistry}. */
export interface OpenRegistryOptions {
  /**
   * Serverledge's `etcd.address` (`host:port` or an `http(s)://` URL). When it is a non-empty
   * string the registry is etcd, else the embedded one.
   */
  etcdAddress?: string;
  /** Serverledge's `data.dir`: the embedded registry keeps its file `registry.kv` there. */
  dataDir: string;
  /** The etcd user and client TLS files (`etcd.username`, `etcd.password`, `etcd.tls.*`). */
  etcdSecurity?: EtcdSecurity;
  /**
   * Milliseconds one etcd call may take before it fails with `UnavailableError`.
   *
   * @default {3000}
   */
  etcdTimeoutMs?: number;
}

/**
 * Opens the etcd registry when `etcdAddress` is set, else the embedded one under `dataDir`.
 *
 * @throws {UnavailableError} when the backend cannot be reached or opened, or etcd refuses
 * @throws {TypeError} when `etcdAddress` is malformed
 * @throws {ConfigError} when `etcdSecurity` is incomplete or names an unusable file
 *
 * @example
 * ```ts
 * import { openRegistry } from "./open.ts";
 *
 * const registry = await openRegistry({ etcdAddress: "", dataDir: ".data" });
 * console.log(registry.kind); // "embedded"
 * await registry.close();
 * ```
 */
export async function openRegistry(options: OpenRegistryOptions): Promise<Registry> {
  const address = options.etcdAddress?.trim();
  if (address) {
    const { etcdTimeoutMs: timeoutMs, etcdSecurity: security } = options;
    const { EtcdRegistry } = await import("./etcd.ts");
    return await EtcdRegistry.open(address, { timeoutMs, security });
  }
  return await EmbeddedRegistry.open(options.dataDir);
}
