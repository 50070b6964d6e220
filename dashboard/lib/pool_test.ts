import assert from "node:assert/strict";
import { percent, poolSummary } from "./pool.ts";

Deno.test("poolSummary splits each function's memory by container state", () => {
  const summary = poolSummary({
    MemoryMB: 1024,
    UsedMemoryMB: 640,
    Cpus: 2,
    UsedCpus: 0.5,
    Blank: 2,
    Functions: {
      small: { Idle: 1, Busy: 0, Starting: 0, Waiting: 0, MemoryMB: 128 },
      big: { Idle: 1, Busy: 2, Starting: 1, Waiting: 0, MemoryMB: 512 },
      gone: { Idle: 0, Busy: 0, Starting: 0, Waiting: 0, MemoryMB: 0 },
      queued: { Idle: 0, Busy: 0, Starting: 0, Waiting: 3, MemoryMB: 0 },
    },
  });
  assert.equal(summary.memoryPercent, 62.5);
  assert.equal(summary.cpuPercent, 25);
  assert.equal(summary.blank, 2);
  assert.deepEqual(summary.rows.map((r) => r.name), ["big", "small", "queued"]);
  assert.equal(summary.rows[2].waiting, 3, "requests waiting for memory show with no container");
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
    poolSummary({ MemoryMB: 0, UsedMemoryMB: 0, Cpus: 0, UsedCpus: 0, Blank: 0, Functions: {} })
      .memoryPercent,
    0,
  );
});
