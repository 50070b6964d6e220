/**
 * Invocation counters of a node, shown in `/status`.
 *
 * @module
 */

/** Outcome of one invocation request as counted by the node. */
export type InvocationOutcome = "success" | "failure" | "dropped";

/** Running totals since the node started. */
export class InvocationCounters {
  /** Invocations that ran and succeeded. */
  success = 0;
  /** Invocations that ran and failed (error, timeout, crash). */
  failure = 0;
  /** Requests refused for lack of capacity (Serverledge's `DropCount`). */
  dropped = 0;
  /** Cold starts. */
  coldStarts = 0;

  /** Counts one request's outcome. */
  count(outcome: InvocationOutcome, coldStart = false): void {
    this[outcome]++;
    if (coldStart) this.coldStarts++;
  }
}
