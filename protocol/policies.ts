/**
 * Scheduling policy names, as written in `scheduler.policy` and shared by the node, the CLI and
 * the dashboard.
 *
 * `protocol/` holds the wire-level types these three agree on; it imports nothing from them.
 *
 * @example Check a policy name
 * ```ts
 * import { SCHEDULING_POLICIES, type SchedulingPolicyName } from "./policies.ts";
 *
 * const name = "edgecloud";
 * if (SCHEDULING_POLICIES.includes(name as SchedulingPolicyName)) console.log(`${name} is known`);
 * ```
 *
 * @module
 */

/** A scheduling policy accepted by `scheduler.policy`. */
export type SchedulingPolicyName = "default" | "localonly" | "edgeonly" | "cloudonly" | "edgecloud";

/**
 * The values `scheduler.policy` accepts. `edgecloud` is the QoS-aware edge-cloud policy;
 * the node's config reads Serverledge's spellings `qosaware` and `QoSAwareEdgeCloud` as
 * `edgecloud`.
 */
export const SCHEDULING_POLICIES: readonly SchedulingPolicyName[] = Object.freeze([
  "default",
  "localonly",
  "edgeonly",
  "cloudonly",
  "edgecloud",
]);
