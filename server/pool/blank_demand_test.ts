import assert from "node:assert/strict";
import { ColdStartDemand, DEMAND_WINDOW_MS } from "./blank_demand.ts";

Deno.test("blank containers follow the last minute's cold starts, within 1 and the maximum", () => {
  const demand = new ColdStartDemand();
  assert.equal(demand.target("py", 0, 4), 1, "one is kept ready before any demand");
  assert.equal(demand.target("py", 0, 0), 0, "a maximum of 0 keeps none");
  for (let i = 0; i < 6; i++) demand.record("py", 100 * i);
  assert.equal(demand.target("py", 600, 4), 4, "capped at the maximum");
  assert.equal(demand.target("py", 600, 10), 6);
  assert.equal(demand.target("node", 600, 10), 1, "per image");
  assert.equal(demand.target("py", DEMAND_WINDOW_MS + 250, 10), 3, "older starts are forgotten");
  assert.equal(demand.target("py", 2 * DEMAND_WINDOW_MS, 10), 1);
});
