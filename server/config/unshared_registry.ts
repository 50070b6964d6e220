/**
 * The start-up notice for a node that names a cloud but keeps its functions to itself.
 * @module
 */

import type { Config } from "./keys.ts";

/**
 * The one-line notice for a config that names a cloud node (`cloud.server.url`) but no
 * `etcd.address`: this node then keeps its functions in its embedded registry, where the cloud
 * cannot read them (Serverledge defaults to etcd on localhost; this node does not). Returns
 * `undefined` when there is nothing to say.
 */
export function unsharedRegistryNotice(
  config: Pick<Config, "cloudServerUrl"> & { etcd: Pick<Config["etcd"], "address"> },
): string | undefined {
  if (config.cloudServerUrl === "" || config.etcd.address !== "") return undefined;
  return `Warning: "cloud.server.url" is set but "etcd.address" is not: functions stay in this ` +
    `node's embedded registry and are not shared with ${config.cloudServerUrl}; set ` +
    `"etcd.address" (e.g. localhost:2379) on every node to share them`;
}
