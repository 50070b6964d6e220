import assert from "node:assert/strict";
import { pollForReport } from "./poll.ts";

Deno.test("pollForReport polls until there is a report", async () => {
  let calls = 0;
  const report = await pollForReport(
    () => Promise.resolve(++calls < 3 ? undefined : { done: calls }),
    { signal: new AbortController().signal, intervalMs: 1 },
  );
  assert.deepEqual(report, { done: 3 });
});

Deno.test("pollForReport gives up after its limit, when stopped, and when a poll fails", async () => {
  const never = () => Promise.resolve(undefined);
  await assert.rejects(
    pollForReport(never, { signal: new AbortController().signal, intervalMs: 1, limitMs: 5 }),
    /No report after 0 minutes/,
  );
  const stopped = new AbortController();
  stopped.abort();
  await assert.rejects(pollForReport(never, { signal: stopped.signal }), /Polling stopped/);
  await assert.rejects(
    pollForReport(() => Promise.reject(new Error("down")), {
      signal: new AbortController().signal,
    }),
    /down/,
  );
});
