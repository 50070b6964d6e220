import assert from "node:assert/strict";
import { seriesColors } from "./palette.ts";

Deno.test("seriesColors gives fixed colours by kind and distinct ones to neighbours", () => {
  const colors = seriesColors([
    { key: "local", label: "", kind: "local" },
    { key: "to:c1", label: "", kind: "neighbour", cloud: true },
    { key: "to:e1", label: "", kind: "neighbour", cloud: false },
    { key: "to:e2", label: "", kind: "neighbour", cloud: false },
    { key: "dropped", label: "", kind: "dropped" },
  ]);
  assert.equal(colors[0], "#0ea5e9");
  assert.equal(colors[4], "#ef4444");
  assert.equal(new Set(colors).size, 5);
});
