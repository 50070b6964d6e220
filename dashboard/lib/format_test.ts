import assert from "node:assert/strict";
import {
  formatAgo,
  formatMB,
  formatNumber,
  formatResult,
  formatSeconds,
  formatSignature,
  formatUptime,
} from "./format.ts";

Deno.test("formatUptime picks the two largest units", () => {
  assert.equal(formatUptime(42), "42 s");
  assert.equal(formatUptime(303), "5 min 3 s");
  assert.equal(formatUptime(7620), "2 h 7 min");
  assert.equal(formatUptime(3 * 86400 + 4 * 3600), "3 d 4 h");
  assert.equal(formatUptime(-5), "0 s");
});

Deno.test("formatMB switches to GB past 1024 MB", () => {
  assert.equal(formatMB(512), "512 MB");
  assert.equal(formatMB(1536), "1.5 GB");
  assert.equal(formatMB(2048), "2 GB");
  assert.equal(formatMB(24 * 1024), "24 GB");
  assert.equal(formatMB(NaN), "–");
});

Deno.test("formatSeconds shows report times readably", () => {
  assert.equal(formatSeconds(0.0004), "0.40 ms");
  assert.equal(formatSeconds(0.0052), "5.2 ms");
  assert.equal(formatSeconds(0.31), "310 ms");
  assert.equal(formatSeconds(1.234), "1.23 s");
  assert.equal(formatSeconds(125), "2 min 5 s");
  assert.equal(formatSeconds(undefined), "–");
});

Deno.test("formatNumber, formatAgo and formatResult", () => {
  assert.equal(formatNumber(0.504), "0.5");
  assert.equal(formatNumber(2), "2");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatAgo(1000, 1500), "just now");
  assert.equal(formatAgo(0, 12_000), "12 s ago");
  assert.equal(formatAgo(0, 180_000), "3 min ago");
  assert.equal(formatResult('"Hello, Edge!"'), '"Hello, Edge!"');
  assert.equal(formatResult('{"sum":3}'), '{\n  "sum": 3\n}');
  assert.equal(formatResult("not json"), "not json");
  assert.equal(formatResult(""), "");
});

Deno.test("formatSignature shows inputs and outputs, nothing when none is declared", () => {
  assert.equal(
    formatSignature({
      Inputs: [{ Name: "a", Type: "Int" }, { Name: "xs", Type: "ArrayFloat" }],
      Outputs: [{ Name: "sum", Type: "Float" }],
    }),
    "(a: Int, xs: ArrayFloat) → (sum: Float)",
  );
  assert.equal(
    formatSignature({ Inputs: [{ Name: "", Type: "Void" }], Outputs: [] }),
    "(Void) → ()",
  );
  assert.equal(formatSignature(null), "");
});
