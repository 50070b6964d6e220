import assert from "node:assert/strict";
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend } from "../server/containers/docker.ts";
import { containerSandbox } from "../server/node.ts";
import { sleep } from "../server/timing/sleep.ts";
import { containersStarted, InvokeCaller, PARAMS, PYTHON_IMAGE } from "./node_fixture.ts";

Deno.test("containersStarted: the function's creates and the blanks taken in the window, from Docker", async () => {
  const nodeId = `bench-test-${crypto.randomUUID().slice(0, 8)}`;
  const backend = new DockerBackend({
    nodeId,
    sandbox: containerSandbox(parseConfig("{}", "yaml", "bench")),
  });
  const start = (labels: Record<string, string>) =>
    backend.start({ image: PYTHON_IMAGE, memoryMB: 64, cpus: 0, labels });
  /** A blank container as the pool starts one: resized to its idle size once it answers. */
  const startBlank = async () => {
    const blank = await start({ "serverledge.blank": "true" });
    await backend.resize(blank.id, { memoryMB: 32, cpus: 0 });
    return blank;
  };
  const take = (blank: { id: string }) => backend.resize(blank.id, { memoryMB: 128, cpus: 0 });
  try {
    await start({ "serverledge.function": "f" }); // before the window
    const early = await startBlank(); // ready before the window, taken in it
    await sleep(50);
    const since = Date.now();
    await start({ "serverledge.function": "f" });
    await start({ "serverledge.function": "g" });
    await take(early);
    await take(await startBlank());
    await startBlank(); // a refill: not started for a function
    const until = Date.now() + 50;
    await sleep(100);
    await start({ "serverledge.function": "f" }); // after the window

    assert.equal(await containersStarted(nodeId, "f", since, until), 3);
    assert.equal(await containersStarted(nodeId, "g", since, until), 3);
    assert.equal(await containersStarted(nodeId, "h", since, until), 2);
    assert.equal(await containersStarted(`${nodeId}-other`, "f", since, until), 0);
  } finally {
    await backend.removeAll();
  }
});

Deno.test("InvokeCaller: POSTs the benchmark's Params as JSON, one connection per worker; a non-200 answer throws with its body", async () => {
  const seen: { path: string; type: string | null; body: unknown }[] = [];
  const ports: number[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (r, info) => {
      const { pathname } = new URL(r.url);
      seen.push({ path: pathname, type: r.headers.get("content-type"), body: await r.json() });
      ports.push(info.remoteAddr.port);
      if (pathname === "/invoke/missing") return new Response("no such function", { status: 404 });
      return Response.json({ Success: true, Result: "10" });
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    using caller = new InvokeCaller(url, "/invoke/bench");
    assert.deepEqual(await caller.call(), { Success: true, Result: "10" });
    await caller.call(1);
    await caller.call(0);
    assert.deepEqual(seen[0], {
      path: "/invoke/bench",
      type: "application/json",
      body: { Params: PARAMS },
    });
    assert.equal(ports.length, 3);
    assert.equal(ports[2], ports[0]); // worker 0's connection, kept alive
    assert.notEqual(ports[1], ports[0]); // worker 1's own
    using missing = new InvokeCaller(url, "/invoke/missing");
    await assert.rejects(missing.call(), /\/invoke\/missing: 404 no such function/);
  } finally {
    await server.shutdown();
  }
});
