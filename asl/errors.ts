/**
 * The errors of the Amazon States Language: {@linkcode AslDefinitionError} for a definition
 * that does not parse, {@linkcode AslTaskError} for a task's failure (the hooks reject with it),
 * {@linkcode AslRuntimeError} for a failure the interpreter raises while a machine runs, and the
 * predefined error names (`States.*`) that Retry and Catch match.
 *
 * @module
 */

/** The predefined error names of the language. */
export const StatesErrors = {
  /** Matches every error name (except `States.Runtime`) in `ErrorEquals`. */
  ALL: "States.ALL",
  /** A task failed; in `ErrorEquals` it matches every error except `States.Timeout`. */
  TaskFailed: "States.TaskFailed",
  /** A task ran longer than its `TimeoutSeconds`, or the machine longer than its own. */
  Timeout: "States.Timeout",
  /** A Choice state matched no rule and has no `Default`. */
  NoChoiceMatched: "States.NoChoiceMatched",
  /** A branch of a Parallel or an item of a Map failed. */
  BranchFailed: "States.BranchFailed",
  /** A path matched nothing or the wrong type at run time; neither retried nor caught. */
  Runtime: "States.Runtime",
  /** An intrinsic function failed at run time (bad argument). */
  IntrinsicFailure: "States.IntrinsicFailure",
  /** A path in `Parameters`, `ResultSelector` or `ItemSelector` matched nothing. */
  ParameterPathFailure: "States.ParameterPathFailure",
  /** A `ResultPath` could not be applied to the state's input. */
  ResultPathMatchFailure: "States.ResultPathMatchFailure",
} as const;

/** A definition that is not valid ASL; the message names the state and the field. */
export class AslDefinitionError extends Error {
  /** The problems found, each naming its state and field (the message joins them). */
  readonly problems: readonly string[];

  /** Builds the error from one problem or several. */
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("; "));
    this.name = "AslDefinitionError";
    this.problems = list;
  }
}

/** An ASL error: a name that Retry and Catch match, and a cause for humans. */
export interface AslErrorValue {
  /** The error name, e.g. `States.TaskFailed` or a function's own error name. */
  readonly error: string;
  /** What happened. */
  readonly cause: string;
}

/** A task's failure, with its ASL error name; `runTask` hooks reject with it. */
export class AslTaskError extends Error implements AslErrorValue {
  /** The error name that Retry and Catch match. */
  readonly error: string;
  /** What happened. */
  override readonly cause: string;

  /** Builds the failure from its error name and cause. */
  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.name = "AslTaskError";
    this.error = error;
    this.cause = cause;
  }
}

/** A failure raised by the interpreter while a machine runs (a path, a type, an intrinsic). */
export class AslRuntimeError extends AslTaskError {
  /** Builds the failure; `error` defaults to `States.Runtime`. */
  constructor(cause: string, error: string = StatesErrors.Runtime) {
    super(error, cause);
    this.name = "AslRuntimeError";
  }
}

/** The error value of anything thrown by a task: its own name, or `States.TaskFailed`. */
export function errorValueOf(thrown: unknown): AslErrorValue {
  if (thrown instanceof AslTaskError) return { error: thrown.error, cause: thrown.cause };
  const cause = thrown instanceof Error ? thrown.message : String(thrown);
  return { error: StatesErrors.TaskFailed, cause };
}
