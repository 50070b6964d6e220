import assert from "node:assert/strict";
import { percent, poolSummary } from "./pool.ts";

Deno.test("poolSummary splits each function's memory by container state", () => {
  const summary = poolSummary({
    memoryMB: 1024,
    usedMemoryMB: 640,
    cpus: 2,
    usedCpus: 0.5,
    blank: 2,
    functions: {
      small: { idle: 1, busy: 0, starting: 0, memoryMB: 128 },
      big: { idle: 1, busy: 2, starting: 1, memoryMB: 512 },
      gone: { idle: 0, busy: 0, starting: 0, memoryMB: 0 },
    },
  });
  assert.equal(summary.memoryPercent, 62.5);
  assert.equal(summary.cpuPercent, 25);
  assert.equal(summary.blank, 2);
  assert.deepEqual(summary.rows.map((r) => r.name), ["big", "small"]);
  const big = summary.rows[0];
  assert.equal(big.busyMB, 256);
  assert.equal(big.idleMB, 128);
  assert.equal(big.startingMB, 128);
  assert.deepEqual(big.percent, { busy: 25, idle: 12.5, starting: 12.5 });
});

Deno.test("percent stays within 0 and 100 and survives a zero capacity", () => {
  assert.equal(percent(5, 0), 0);
  assert.equal(percent(-1, 10), 0);
  assert.equal(percent(20, 10), 100);
  assert.equal(percent(1, 3), 33.3);
  assert.equal(
    poolSummary({ memoryMB: 0, usedMemoryMB: 0, cpus: 0, usedCpus: 0, blank: 0, functions: {} })
      .memoryPercent,
    0,
  );
});
