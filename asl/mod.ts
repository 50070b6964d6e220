/**
 * The Amazon States Language (the language of AWS Step Functions), as pure code: no I/O, no
 * timer of its own. The system around it (`server/workflows/`) stores definitions, runs tasks
 * through the dispatcher and makes runs durable; this module parses, validates and interprets.
 *
 * - {@linkcode parseStateMachine} parses and validates a definition, or throws an
 *   {@linkcode AslDefinitionError} whose message names each state and field at fault.
 * - {@linkcode taskStates} lists a machine's Task states with their functions,
 *   {@linkcode taskResources} the functions they name;
 *   {@linkcode graphOf} gives its graph for the dashboard.
 * - {@linkcode runStateMachine} runs it through {@linkcode RunHooks}: `runTask` for each Task
 *   attempt, `wait` for every delay, `onStep` told of each state entered and left. Step ids are
 *   structural and the run deterministic given the task outcomes, so a run can be replayed from
 *   a journal of outcomes keyed by step id (see `hooks.ts` for the id scheme).
 *
 * States: Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map (inline; `ItemProcessor` or
 * `Iterator`). Paths, payload templates with `.$` keys, intrinsic functions, Retry and Catch:
 * see `docs/workflows.md` ("The language") for what is supported and how it departs from AWS.
 *
 * @example
 * ```ts
 * import { parseStateMachine, runStateMachine } from "./mod.ts";
 *
 * const machine = parseStateMachine(JSON.stringify({
 *   StartAt: "Check",
 *   States: {
 *     Check: {
 *       Type: "Choice",
 *       Choices: [{ Variable: "$.n", NumericGreaterThan: 10, Next: "Big" }],
 *       Default: "Small",
 *     },
 *     Big: { Type: "Pass", Result: "big", End: true },
 *     Small: { Type: "Task", Resource: "grow", End: true },
 *   },
 * }));
 * const outcome = await runStateMachine(machine, { n: 3 }, {
 *   runTask: ({ resource, input }) => Promise.resolve({ resource, input }),
 *   wait: () => Promise.resolve(),
 * });
 * console.log(outcome.status); // "succeeded"
 * ```
 *
 * @module
 */
export { parseStateMachine } from "./parse.ts";
export { runStateMachine } from "./run.ts";
export { graphOf, taskResources, taskStates } from "./graph.ts";
export type { GraphEdge, GraphNode, StateGraph, TaskReference } from "./graph.ts";
export type { RunHooks, RunOutcome, StepEvent, TaskCall } from "./hooks.ts";
export {
  AslDefinitionError,
  type AslErrorValue,
  AslRuntimeError,
  AslTaskError,
  StatesErrors,
} from "./errors.ts";
export type { State, StateMachine, StateType } from "./definition.ts";
export type { Json, JsonObject } from "./json.ts";
