/**
 * A workflow graph of ten states for the layout's and the components' tests.
 *
 * @module
 */
import type { GraphInput } from "../lib/workflow_layout.ts";

/** Ten states: a task, a choice with two rules and a default, a parallel of two branches
 * (one of two states), a map, a catcher, a loop back, a fail and a succeed. */
export const TEN_STATES: GraphInput = {
  startAt: "Fetch",
  nodes: [
    { name: "Fetch", type: "Task", resource: "fetch" },
    { name: "Route", type: "Choice" },
    {
      name: "Fan",
      type: "Parallel",
      branches: [
        {
          startAt: "Left",
          nodes: [{ name: "Left", type: "Task", resource: "l" }, {
            name: "Left2",
            type: "Pass",
            end: true,
          }],
          edges: [{ from: "Left", to: "Left2", kind: "next" }],
        },
        {
          startAt: "Right",
          nodes: [{ name: "Right", type: "Task", resource: "r", end: true }],
          edges: [],
        },
      ],
    },
    {
      name: "Each",
      type: "Map",
      branches: [{
        startAt: "Square",
        nodes: [{ name: "Square", type: "Task", resource: "sq", end: true }],
        edges: [],
      }],
    },
    { name: "Wait", type: "Wait" },
    { name: "Merge", type: "Pass" },
    { name: "Check", type: "Choice" },
    { name: "Recover", type: "Pass" },
    { name: "Failed", type: "Fail" },
    { name: "Done", type: "Succeed" },
  ],
  edges: [
    { from: "Fetch", to: "Route", kind: "next" },
    { from: "Fetch", to: "Recover", kind: "catch", label: "States.ALL" },
    { from: "Route", to: "Fan", kind: "choice", label: '$.kind == "fan"' },
    { from: "Route", to: "Each", kind: "choice", label: '$.kind == "map"' },
    { from: "Route", to: "Wait", kind: "default" },
    { from: "Fan", to: "Merge", kind: "next" },
    { from: "Each", to: "Merge", kind: "next" },
    { from: "Wait", to: "Fetch", kind: "next" },
    { from: "Merge", to: "Check", kind: "next" },
    { from: "Check", to: "Done", kind: "choice", label: "$.ok == true" },
    { from: "Check", to: "Failed", kind: "default" },
    { from: "Recover", to: "Failed", kind: "next" },
  ],
};
