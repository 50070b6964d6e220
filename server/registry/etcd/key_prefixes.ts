/**
 * The key prefixes of the etcd registry, one per part.
 *
 * @module
 */

/** Key prefix of function definitions: `/function/<name>`. */
export const FUNCTION_PREFIX = "/function/";

/**
 * Key prefix of write fences, `/write-fence/<uuid>`: each write of a definition requires its own
 * fence key to be absent, so putting the fence after a timeout stops the write from applying
 * later.
 */
export const WRITE_FENCE_PREFIX = "/write-fence/";

/** Key prefix of async entries: `/async/<reqId>`. */
export const ASYNC_PREFIX = "/async/";

/**
 * Key prefix of async results as Serverledge (Go) writes and polls them: `async/<reqId>`, with
 * no leading slash, holding its `Response` JSON (the execution report with `Success`).
 */
export const GO_ASYNC_PREFIX = "async/";

/** Key prefix of workflow definitions: `/workflow/<name>` (as Serverledge's upstream). */
export const WORKFLOW_PREFIX = "/workflow/";

/** Key prefix of durable async workflow runs: `/workflow-run/<reqId>`. */
export const WORKFLOW_RUN_PREFIX = "/workflow-run/";

/** Key prefix of node records: `/registry/<area>/<edge|cloud>/<id>`. */
export const NODE_PREFIX = "/registry/";

/**
 * Key prefix of node records in Go Serverledge's layout (no leading slash):
 * `registry/<area>/<id>` for an edge node, `registry/cloud/<area>/<id>` for a cloud node.
 */
export const GO_NODE_PREFIX = "registry/";

/**
 * Every key prefix the registry reads and writes: functions, their write fences, async entries
 * (ours and Serverledge's), workflows, their durable runs, node records (ours, and Go Serverledge's).
 */
export const REGISTRY_PREFIXES: readonly string[] = [
  FUNCTION_PREFIX,
  WRITE_FENCE_PREFIX,
  ASYNC_PREFIX,
  GO_ASYNC_PREFIX,
  WORKFLOW_PREFIX,
  WORKFLOW_RUN_PREFIX,
  NODE_PREFIX,
  GO_NODE_PREFIX,
];

/**
 * The key of `name` under `prefix`: one path segment, so a name cannot reach another key.
 *
 * @param what how the name is called in the error, e.g. `Function name`
 * @throws {TypeError} when `name` is not a non-empty string without `/`
 *
 * @example
 * ```ts
 * import { FUNCTION_PREFIX, keyUnder } from "./key_prefixes.ts";
 *
 * keyUnder(FUNCTION_PREFIX, "hello", "Function name"); // "/function/hello"
 * ```
 */
export function keyUnder(prefix: string, name: string, what: string): string {
  if (typeof name !== "string" || name.length === 0 || name.includes("/")) {
    throw new TypeError(`${what} "${name}" is invalid: it must be non-empty, without "/"`);
  }
  return prefix + name;
}
