import assert from "node:assert/strict";
import { parseStealTicks, stolenShare } from "./steal.ts";

Deno.test("parseStealTicks: the eighth figure of the cpu line and the sum of the first eight", () => {
  const stat = "cpu  100 5 50 800 10 1 4 30 0 0\ncpu0 50 2 25 400 5 0 2 15 0 0\nintr 1\n";
  assert.deepEqual(parseStealTicks(stat), { steal: 30, total: 1000 });
});

Deno.test("parseStealTicks: undefined without a complete cpu line", () => {
  assert.equal(parseStealTicks("intr 1\n"), undefined);
  assert.equal(parseStealTicks("cpu  1 2 3 4\n"), undefined);
});

Deno.test("stolenShare: the stolen part of the time between two readings; NaN without both", () => {
  assert.equal(stolenShare({ steal: 10, total: 1000 }, { steal: 30, total: 1200 }), 0.1);
  assert.ok(Number.isNaN(stolenShare(undefined, { steal: 1, total: 2 })));
  assert.ok(Number.isNaN(stolenShare({ steal: 1, total: 2 }, { steal: 1, total: 2 })));
});
