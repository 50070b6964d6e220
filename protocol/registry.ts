/**
 * What nodes store in a shared registry (etcd) for each other: the record a node registers
 * itself with, and the entry kept under an async request id.
 *
 * @module
 */

/**
 * What is stored under an async request id: pending until the report exists. A result a Go
 * Serverledge node wrote (its `Response`, at its own key) reads as `done` without `Node` and
 * `Function`, which Go does not record.
 */
export type AsyncEntry =
  | { Status: "pending"; Node: string; Function: string; Since: number }
  | { Status: "done"; Node?: string; Function?: string; Report: Record<string, unknown> };

/** A node of the deployment as it registers itself. */
export interface NodeRecord {
  /** Node id (unique in the deployment). */
  Id: string;
  /** Base URL of its HTTP API, e.g. `http://127.0.0.1:1323`. */
  Url: string;
  /** Its `registry.area`. */
  Area: string;
  /** Whether it is a cloud node. */
  Cloud: boolean;
}
