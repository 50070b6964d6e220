/**
 * Why the pool turns a request away: one function per reason, each a 429 (`OverloadedError`)
 * or 503 (`UnavailableError`) whose message says what happened and what bounds it.
 *
 * @module
 */
import { OverloadedError, UnavailableError } from "../errors.ts";

/** The function's queue holds `waiting` requests, its `scheduler.queue.capacity`. */
export function queueFull(name: string, waiting: number): OverloadedError {
  return new OverloadedError(
    `Function "${name}" has ${waiting} waiting request${waiting === 1 ? "" : "s"} already, ` +
      `as many as scheduler.queue.capacity allows`,
  );
}

/** The expected wait of `waitS` seconds exceeds the `maxWaitS` the request may wait. */
export function waitTooLong(name: string, waitS: number, maxWaitS: number): OverloadedError {
  return new OverloadedError(
    `Function "${name}" would wait about ${round(waitS)} s for a container, longer than ` +
      `${mayWait(maxWaitS)}`,
  );
}

/**
 * No memory now (`noRoom` says how much), and it frees up in about `waitS` seconds (Infinity:
 * nothing busy will free any), later than the request may wait.
 */
export function memoryTooLate(noRoom: string, waitS: number, maxWaitS: number): OverloadedError {
  return new OverloadedError(
    waitS === Infinity
      ? `${noRoom}, and no container of another function is busy or starting to free any`
      : `${noRoom}, and it is expected to free up in about ${round(waitS)} s, later than ` +
        mayWait(maxWaitS),
  );
}

/** The request waited `waitedS` seconds, all it could, and no slot came. */
export function waitedOut(name: string, waitedS: number): OverloadedError {
  return new OverloadedError(
    `Function "${name}" waited ${round(waitedS)} s and no container could serve it in that time`,
  );
}

/** The function's definition changed while the request waited for a container of it. */
export function changedWhileWaiting(name: string): UnavailableError {
  return new UnavailableError(
    `Function "${name}" was updated or deleted while the request waited: send it again`,
  );
}

/** Function `name` needs `needs` (memory or CPUs), more than the whole pool has (`pool`). */
export function tooBig(name: string, needs: string, pool: string): OverloadedError {
  return new OverloadedError(
    `Function "${name}" needs ${needs}, more than this node's pool (${pool})`,
  );
}

/**
 * Function `name` needs `needs` of `what` (memory or CPU); `free` of `total` (in `unit`) are
 * free now.
 */
export function noRoom(
  what: "memory" | "CPU",
  name: string,
  needs: string,
  free: number,
  total: number,
  unit: string,
): OverloadedError {
  return new OverloadedError(
    `Node has no ${what} for function "${name}": it needs ${needs}, ${round(free)} of ` +
      `${total}${unit} are free`,
  );
}

/** The node is shutting down. */
export function shuttingDown(): OverloadedError {
  return new OverloadedError("Node is shutting down");
}

function mayWait(maxWaitS: number): string {
  return `the ${round(maxWaitS)} s it may wait`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
