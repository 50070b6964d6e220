/**
 * A workflow of ten states for the layout's, the components' and the end-to-end tests: a task
 * with a catcher, a choice with two rules and a default, a parallel of two branches (one of two
 * states), a map, a wait that loops back, a pass, a choice to a succeed or a fail.
 *
 * @module
 */
import { graphOf, parseStateMachine, type StateGraph } from "../../asl/mod.ts";

/** The definition, as a user writes it (Task resources are placeholders). */
export const TEN_STATES_DEFINITION = {
  Comment: "Ten states",
  StartAt: "Fetch",
  States: {
    Fetch: {
      Type: "Task",
      Resource: "fetch",
      Next: "Route",
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Recover" }],
    },
    Route: {
      Type: "Choice",
      Choices: [
        { Variable: "$.kind", StringEquals: "fan", Next: "Fan" },
        { Variable: "$.kind", StringEquals: "map", Next: "Each" },
      ],
      Default: "Wait",
    },
    Fan: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Left",
          States: {
            Left: { Type: "Task", Resource: "l", Next: "Left2" },
            Left2: { Type: "Pass", End: true },
          },
        },
        { StartAt: "Right", States: { Right: { Type: "Task", Resource: "r", End: true } } },
      ],
      Next: "Merge",
    },
    Each: {
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: {
        StartAt: "Square",
        States: { Square: { Type: "Task", Resource: "sq", End: true } },
      },
      Next: "Merge",
    },
    Wait: { Type: "Wait", Seconds: 1, Next: "Fetch" },
    Merge: { Type: "Pass", Next: "Check" },
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.ok", BooleanEquals: true, Next: "Done" }],
      Default: "Failed",
    },
    Recover: { Type: "Pass", Next: "Failed" },
    Failed: { Type: "Fail", Error: "Check.Failed" },
    Done: { Type: "Succeed" },
  },
};

/** Its graph, from `asl`. */
export const TEN_STATES: StateGraph = graphOf(
  parseStateMachine(JSON.stringify(TEN_STATES_DEFINITION)),
);
