/**
 * Views of a parsed machine for the rest of the system: its graph (states as nodes, nested
 * graphs for Parallel branches and Map processors, transitions as edges) for the dashboard to
 * draw, and the functions its Task states name.
 *
 * @module
 */
import { describeChoiceRule } from "./choice.ts";
import type { StateMachine, StateType } from "./definition.ts";
import type { JsonPath } from "./json_path.ts";

/** A machine as a graph. */
export interface StateGraph {
  /** The state the machine starts in. */
  readonly startAt: string;
  /** Its states, in the definition's order. */
  readonly nodes: readonly GraphNode[];
  /** Its transitions. */
  readonly edges: readonly GraphEdge[];
}

/** A state of the graph. */
export interface GraphNode {
  /** The state's name. */
  readonly name: string;
  /** Its type. */
  readonly type: StateType;
  /** A Task's function. */
  readonly resource?: string;
  /** The state's `Comment`. */
  readonly comment?: string;
  /** A Parallel's branches. */
  readonly branches?: readonly StateGraph[];
  /** A Map's item processor. */
  readonly processor?: StateGraph;
}

/** A transition: `to` is `null` for the end of the machine (`end`) or a failure (`fail`). */
export interface GraphEdge {
  /** The state it leaves. */
  readonly from: string;
  /** The state it leads to, or `null` (the machine ends). */
  readonly to: string | null;
  /** What makes it: `Next`, a Choice rule, the `Default`, a catcher, the end, a Fail state. */
  readonly kind: "next" | "choice" | "default" | "catch" | "end" | "fail";
  /** A short text: the rule, the errors caught, the Fail state's error. */
  readonly label?: string;
}

/** The graph of `machine`, nested machines included. */
export function graphOf(machine: StateMachine): StateGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const state of machine.states.values()) {
    const from = state.name;
    nodes.push({
      name: from,
      type: state.type,
      resource: state.type === "Task" ? state.resource : undefined,
      comment: state.comment,
      branches: state.type === "Parallel" ? state.branches.map(graphOf) : undefined,
      processor: state.type === "Map" ? graphOf(state.processor) : undefined,
    });
    switch (state.type) {
      case "Choice":
        for (const { rule, next } of state.choices) {
          edges.push({ from, to: next, kind: "choice", label: describeChoiceRule(rule) });
        }
        if (state.default !== undefined) edges.push({ from, to: state.default, kind: "default" });
        break;
      case "Succeed":
        edges.push({ from, to: null, kind: "end" });
        break;
      case "Fail":
        edges.push({
          from,
          to: null,
          kind: "fail",
          label: typeof state.error === "string" ? state.error : dynamicLabel(state.error),
        });
        break;
      default:
        edges.push(
          state.next === undefined
            ? { from, to: null, kind: "end" }
            : { from, to: state.next, kind: "next" },
        );
    }
    if ("catch" in state) {
      for (const c of state.catch) {
        edges.push({ from, to: c.next, kind: "catch", label: c.errorEquals.join(", ") });
      }
    }
  }
  return { startAt: machine.startAt, nodes, edges };
}

function dynamicLabel(
  value: { kind: "path"; path: JsonPath } | { kind: "intrinsic"; source: string } | undefined,
) {
  if (value === undefined) return undefined;
  return value.kind === "path" ? value.path.source : value.source;
}

/** A Task state and the function it names. */
export interface TaskReference {
  /** The state's name. */
  readonly state: string;
  /** Its function. */
  readonly resource: string;
}

/** Every Task state, at any depth, in the definition's order, with its function. */
export function taskStates(machine: StateMachine): TaskReference[] {
  return [...machine.states.values()].flatMap((state): TaskReference[] => {
    if (state.type === "Task") return [{ state: state.name, resource: state.resource }];
    if (state.type === "Parallel") return state.branches.flatMap(taskStates);
    if (state.type === "Map") return taskStates(state.processor);
    return [];
  });
}

/** Every function a Task names, at any depth, each once, in the definition's order. */
export function taskResources(machine: StateMachine): string[] {
  return [...new Set(taskStates(machine).map((task) => task.resource))];
}
