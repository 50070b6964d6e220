/**
 * The config keys of `serverledge-lb`, the load balancer of an area's cloud nodes: a part of the
 * key table (see `keys.ts`).
 *
 * @module
 */
import { key } from "./spec.ts";
import { list, positiveNumber } from "./values.ts";

/** `lb.*`. */
export const LB_KEYS = {
  /** `serverledge-lb`: the load balancer in front of an area's cloud nodes. */
  lb: {
    /** `lb.targets`: node URLs balanced over besides those found in etcd. */
    targets: key(
      "lb.targets",
      list("http:// or https:// URLs, comma-separated", /^https?:\/\/[^\s,]+$/),
      [],
      "Node URLs `serverledge-lb` balances over, besides the cloud nodes of `registry.area` " +
        "it finds in etcd (when `etcd.address` is set)",
    ),
    /** `lb.load.interval`: seconds between two polls of a target's load. */
    loadInterval: key(
      "lb.load.interval",
      positiveNumber(),
      1,
      "Seconds between two polls of each target's load (`GET /load`) by `serverledge-lb`",
    ),
    /** `lb.retry.interval`: seconds a failed target stays out before it is tried again. */
    retryInterval: key(
      "lb.retry.interval",
      positiveNumber(),
      5,
      "Seconds a target that failed stays out of `serverledge-lb`'s choice before its load is " +
        "polled again",
    ),
  },
};
