/**
 * The start-up notice for a node configured as part of a deployment that keeps its functions to
 * itself: it names a cloud, an area, itself a cloud node or a policy that offloads, but no etcd.
 * @module
 */

import type { Config } from "./keys.ts";

/** What {@linkcode unsharedRegistryNotice} reads of a {@linkcode Config}. */
export type UnsharedRegistryFacts =
  & Pick<Config, "cloudServerUrl" | "cloud" | "setBy">
  & {
    etcd: Pick<Config["etcd"], "address">;
    registry: Pick<Config["registry"], "area">;
    scheduler: Pick<Config["scheduler"], "policy">;
  };

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length === 1
    ? items[0]
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * The one-line notice for a config that places this node in a deployment but sets no
 * `etcd.address`: it names a cloud node (`cloud.server.url`), sets its area (`registry.area`),
 * makes itself a cloud node (`cloud: true`) or, naming no cloud, sets a policy that offloads
 * (`scheduler.policy` other than `localonly`), in its file or environment. This node then keeps
 * its functions in its embedded registry, where no other node reads them, and finds no other
 * node (Serverledge defaults to etcd on localhost; this node does not). Keys left at their
 * defaults say nothing. Returns `undefined` when there is nothing to say.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "./resolve.ts";
 * import { unsharedRegistryNotice } from "./unshared_registry.ts";
 *
 * const config = defaultConfig({ env: { SERVERLEDGE_REGISTRY_AREA: "PARIS" } });
 * console.log(unsharedRegistryNotice(config)); // Warning: "registry.area" (PARIS) is set but …
 * ```
 */
export function unsharedRegistryNotice(config: UnsharedRegistryFacts): string | undefined {
  if (config.etcd.address !== "") return undefined;
  const named: string[] = [];
  if (config.cloudServerUrl !== "") named.push(`"cloud.server.url" (${config.cloudServerUrl})`);
  if (Object.hasOwn(config.setBy, "registry.area")) {
    named.push(`"registry.area" (${config.registry.area})`);
  }
  if (config.cloud && Object.hasOwn(config.setBy, "cloud")) named.push(`"cloud" (true)`);
  const { policy } = config.scheduler;
  if (
    config.cloudServerUrl === "" && policy !== "localonly" &&
    Object.hasOwn(config.setBy, "scheduler.policy")
  ) {
    named.push(`"scheduler.policy" (${policy})`);
  }
  if (named.length === 0) return undefined;
  const shared = config.cloudServerUrl === "" ? "" : `, not with ${config.cloudServerUrl}`;
  return `Warning: ${listed(named)} ${
    named.length === 1 ? "is" : "are"
  } set but "etcd.address" is not: functions stay in this node's embedded registry, shared ` +
    `with no other node${shared}, and no neighbour or cloud node is found through it; set ` +
    `"etcd.address" (e.g. localhost:2379, Serverledge's default) on every node to share them`;
}
