/**
 * Wire types of `serverledge-lb`, the load balancer in front of an area's cloud nodes: what its
 * own `GET /status` answers.
 *
 * @module
 */

/** One node the balancer sends requests to. */
export interface BalancerTarget {
  /** Base URL of the node's API. */
  Url: string;
  /** The node's id, once its registration or its load report named it; else its URL. */
  Id: string;
  /** Where the balancer learnt of it: its etcd registration, or `lb.targets`. */
  Source: "etcd" | "static";
  /** Whether it is chosen: its last load poll or request succeeded. */
  Up: boolean;
  /** Why it is out, when it is. */
  LastError?: string;
  /** Requests sent to it and not answered yet. */
  InFlight: number;
  /** Requests sent to it since the balancer started. */
  Requests: number;
  /** Of those, the ones it failed before answering. */
  Failures: number;
  /** Smoothed milliseconds of its answers to invocations, when it has had some. */
  InvokeLatencyMs?: number;
  /** Smoothed milliseconds of the round trip of its load polls (`GET /load`), once one answered. */
  PollRttMs?: number;
  /** Pool memory not held by containers at its last load poll, MB. */
  AvailableMemMB?: number;
  /** Idle warm containers per function at its last load poll. */
  AvailableWarmContainers?: Record<string, number>;
}

/** `GET /status` of the balancer. */
export interface BalancerStatus {
  /** Its `registry.area`: the cloud nodes of this area are its targets. */
  Area: string;
  /** Whether it reads targets from etcd (`etcd.address` is set). */
  Etcd: boolean;
  /** The targets, sorted by URL. */
  Targets: BalancerTarget[];
  /** Requests proxied since start. */
  Requests: number;
  /** Requests sent again to another target after one failed before answering. */
  Retries: number;
  /** Async request ids whose node it remembers, for `/poll`. */
  AsyncRoutes: number;
}
