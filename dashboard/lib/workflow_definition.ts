/**
 * A workflow's ASL definition read into the graph the dashboard draws, by the language's own
 * parser: the same validation the node does, so the preview and the graph agree with it.
 *
 * @module
 */
import { graphOf, parseStateMachine } from "../../asl/mod.ts";
import type { GraphResult } from "./workflow_layout.ts";

/** The graph of `definition` (ASL JSON text), or why it is not a valid definition. */
export function graphOfDefinition(definition: string): GraphResult {
  try {
    return { ok: true, graph: graphOf(parseStateMachine(definition)) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
