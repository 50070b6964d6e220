/**
 * The parsed form of a state machine: what {@linkcode "./parse.ts".parseStateMachine} returns
 * and the interpreter runs. Paths, templates and rules are parsed already; an absent path means
 * the default (`$`, the whole value), `null` means "discard" as the language defines it.
 *
 * @module
 */
import type { ChoiceBranch } from "./choice.ts";
import type { Json } from "./json.ts";
import type { JsonPath } from "./json_path.ts";
import type { Catcher, Retrier } from "./retry.ts";
import type { DynamicValue, Template } from "./templates.ts";

/** A state machine (the whole definition, a Parallel branch, or a Map's item processor). */
export interface StateMachine {
  /** The state the machine starts in. */
  readonly startAt: string;
  /** Its states by name, in the order of the definition. */
  readonly states: ReadonlyMap<string, State>;
  /** Seconds the whole machine may run (top level only). */
  readonly timeoutSeconds?: number;
  /** The definition's `Comment`. */
  readonly comment?: string;
}

/** The state types. */
export type StateType = State["type"];

/** Fields every state has. */
interface StateBase {
  /** The state's name. */
  readonly name: string;
  /** The state's `Comment`. */
  readonly comment?: string;
}

/** `InputPath` and `OutputPath`. */
interface Filtered {
  /** Selects the effective input; `null`: `{}`. */
  readonly inputPath?: JsonPath | null;
  /** Selects the output; `null`: `{}`. */
  readonly outputPath?: JsonPath | null;
}

/** The transition of a non-terminal-type state: `next`, or the end of its machine. */
interface Flowing {
  /** The next state; absent when the state has `End: true`. */
  readonly next?: string;
}

/** Fields of the states that produce a result (Task, Parallel, Map). */
interface Producing extends Filtered, Flowing {
  /** `Parameters` (`ItemSelector` is the Map's own field). */
  readonly parameters?: Template;
  /** Shapes the raw result. */
  readonly resultSelector?: Template;
  /** Where the result goes in the state's input; `null` discards it. */
  readonly resultPath?: JsonPath | null;
  /** Retriers, in order. */
  readonly retry: readonly Retrier[];
  /** Catchers, in order. */
  readonly catch: readonly Catcher[];
}

/** A Task: runs a function. */
export interface TaskState extends StateBase, Producing {
  /** The type. */
  readonly type: "Task";
  /** The function's name. */
  readonly resource: string;
  /** Seconds an attempt may take. */
  readonly timeoutSeconds?: number;
}

/** A Pass: passes its input on, or a fixed `Result`. */
export interface PassState extends StateBase, Filtered, Flowing {
  /** The type. */
  readonly type: "Pass";
  /** `Parameters`. */
  readonly parameters?: Template;
  /** The fixed result. */
  readonly result?: Json;
  /** Where the result goes; `null` discards it. */
  readonly resultPath?: JsonPath | null;
}

/** A Choice: goes to the first branch whose rule matches, else to `default`. */
export interface ChoiceState extends StateBase, Filtered {
  /** The type. */
  readonly type: "Choice";
  /** The rules, in order. */
  readonly choices: readonly ChoiceBranch[];
  /** The state when no rule matches. */
  readonly default?: string;
}

/** How long a Wait state waits. */
export type WaitFor =
  | { readonly kind: "seconds"; readonly seconds: number }
  | { readonly kind: "secondsPath"; readonly path: JsonPath }
  | { readonly kind: "timestamp"; readonly timestamp: string }
  | { readonly kind: "timestampPath"; readonly path: JsonPath };

/** A Wait: waits, then passes its input on. */
export interface WaitState extends StateBase, Filtered, Flowing {
  /** The type. */
  readonly type: "Wait";
  /** How long. */
  readonly wait: WaitFor;
}

/** A Succeed: ends its machine with success. */
export interface SucceedState extends StateBase, Filtered {
  /** The type. */
  readonly type: "Succeed";
}

/** A Fail: ends the run with an error. */
export interface FailState extends StateBase {
  /** The type. */
  readonly type: "Fail";
  /** The error name, fixed or read at run time. */
  readonly error?: string | DynamicValue;
  /** The cause, fixed or read at run time. */
  readonly cause?: string | DynamicValue;
}

/** A Parallel: runs its branches concurrently; the result is the array of their outputs. */
export interface ParallelState extends StateBase, Producing {
  /** The type. */
  readonly type: "Parallel";
  /** The branches. */
  readonly branches: readonly StateMachine[];
}

/** A Map: runs its processor on each item; the result is the array of the items' outputs. */
export interface MapState extends StateBase, Producing {
  /** The type. */
  readonly type: "Map";
  /** The machine run for each item (`ItemProcessor` or `Iterator`). */
  readonly processor: StateMachine;
  /** Where the items are in the effective input. */
  readonly itemsPath?: JsonPath;
  /** Builds each item's input (`ItemSelector`, or the older `Parameters`). */
  readonly itemSelector?: Template;
  /** Items processed at once at most; 0: no limit. */
  readonly maxConcurrency: number | JsonPath;
}

/** Any state. */
export type State =
  | TaskState
  | PassState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
