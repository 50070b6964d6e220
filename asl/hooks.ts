/**
 * What the interpreter needs from the system that runs a machine (the hooks) and what it
 * gives back (the outcome and the step events). The interpreter does no I/O and keeps no
 * timer of its own: tasks run through {@linkcode RunHooks.runTask}, every delay (a Wait state,
 * a retry's backoff, a timeout) through {@linkcode RunHooks.wait}, and the time is read from
 * {@linkcode RunHooks.now}.
 *
 * Step ids are structural, so a run can be replayed: a state's name; `Name#2`, `Name#3`… for
 * later visits of the same state in the same scope; `Parallel/<branch>/Name` inside a branch;
 * `Map/<item index>/Name` inside a Map item; `Name@2`, `Name@3`… for retry attempts (of a Task,
 * Parallel or Map, so a retried Parallel's branches are `Par@2/0/…`). The waits have ids of
 * their own: a Wait state's is its step id; the backoff before attempt 2 is `Name@2!delay`;
 * the timeout of a Task attempt is `<attempt step>!timeout`; the machine's `!timeout`.
 *
 * @module
 */
import type { StateType } from "./definition.ts";
import type { AslErrorValue } from "./errors.ts";
import type { Json } from "./json.ts";

/** A task to run: one attempt of a Task state. */
export interface TaskCall {
  /** The attempt's step id (`Name`, `Name@2`, `Par/0/Name`…). */
  readonly step: string;
  /** The Task state's name. */
  readonly state: string;
  /** The function to run (the state's `Resource`). */
  readonly resource: string;
  /** The function's input (after `InputPath` and `Parameters`). */
  readonly input: Json;
  /** The state's `TimeoutSeconds`: the interpreter enforces it too, through `wait`. */
  readonly timeoutSeconds?: number;
  /** Aborted when the attempt is no longer wanted (timeout, a failed sibling, the run's end). */
  readonly signal: AbortSignal;
}

/** A state entered or left. */
export interface StepEvent {
  /** The step id of the visit. */
  readonly step: string;
  /** The state's name. */
  readonly state: string;
  /** The state's type. */
  readonly type: StateType;
  /** Entered or exited. */
  readonly phase: "entered" | "exited";
  /** When, in epoch milliseconds (from `now`). */
  readonly at: number;
  /** The error the state ended with (exited only). */
  readonly error?: AslErrorValue;
}

/** The system's side of a run. */
export interface RunHooks {
  /**
   * Runs a task; resolves with the function's output (JSON), rejects with an
   * `AslTaskError` (`{ error, cause }`) that Retry and Catch see; any other rejection counts
   * as `States.TaskFailed`.
   */
  runTask(call: TaskCall): Promise<unknown>;
  /**
   * Resolves at `untilEpochMs` (at once when it is past). It may settle early (resolve or
   * reject) once `signal` is aborted: the interpreter then ignores it.
   */
  wait(step: string, untilEpochMs: number, signal: AbortSignal): Promise<void>;
  /** Told of each state entered and left (for events, metrics, the live view). */
  onStep?(event: StepEvent): void;
  /** The time in epoch milliseconds. @default Date.now */
  now?(): number;
}

/** How a run ended. */
export type RunOutcome =
  | { readonly status: "succeeded"; readonly output: Json }
  | { readonly status: "failed"; readonly error: string; readonly cause: string };
