import assert from "node:assert/strict";
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend } from "../server/containers/docker.ts";
import { containerSandbox } from "../server/node.ts";
import { sleep } from "../server/timing/sleep.ts";
import { containersStarted, PYTHON_IMAGE } from "./node_fixture.ts";

Deno.test("containersStarted: the function's creates and the blank resizes of the window, from Docker", async () => {
  const nodeId = `bench-test-${crypto.randomUUID().slice(0, 8)}`;
  const backend = new DockerBackend({
    nodeId,
    sandbox: containerSandbox(parseConfig("{}", "yaml", "bench")),
  });
  const start = (labels: Record<string, string>) =>
    backend.start({ image: PYTHON_IMAGE, memoryMB: 64, cpus: 0, labels });
  try {
    await start({ "serverledge.function": "f" }); // before the window
    await sleep(50);
    const since = Date.now();
    await start({ "serverledge.function": "f" });
    await start({ "serverledge.function": "g" });
    const taken = await start({ "serverledge.blank": "true" });
    await backend.resize(taken.id, { memoryMB: 128, cpus: 0 });
    await start({ "serverledge.blank": "true" }); // a refill: not started for a function
    const until = Date.now() + 50;
    await sleep(100);
    await start({ "serverledge.function": "f" }); // after the window

    assert.equal(await containersStarted(nodeId, "f", since, until), 2);
    assert.equal(await containersStarted(nodeId, "g", since, until), 2);
    assert.equal(await containersStarted(nodeId, "h", since, until), 1);
    assert.equal(await containersStarted(`${nodeId}-other`, "f", since, until), 0);
  } finally {
    await backend.removeAll();
  }
});
