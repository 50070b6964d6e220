// Containers lost from outside (killed, removed, paused) on the real Docker daemon: the request
// runs on a new container; failures of the function itself still reach the caller.
import assert from "node:assert/strict";
import { builtInImages } from "../runtimes/catalog.ts";
import { exampleFunction, pythonCode } from "../testing/functions.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Ids of the node's containers with the given extra label filter. */
async function containers(node: TestNode, ...filters: string[]): Promise<string[]> {
  const id = node.node.services.identity.id;
  const args = ["ps", "-aq", "--no-trunc", "--filter", `label=serverledge.node=${id}`];
  for (const filter of filters) args.push("--filter", filter);
  return (await docker(...args)).split("\n").filter(Boolean);
}

/** Waits until container `id` no longer runs (as the engine sees it). */
async function untilStopped(id: string): Promise<void> {
  while (await docker("inspect", "-f", "{{.State.Running}}", id) === "true") await sleep(20);
}

/** A node with function "hello" and its one warm container. */
async function nodeWithWarmHello(config: Record<string, unknown> = {}) {
  const node = await startTestNode({ config });
  const created = await node.post("/create", await exampleFunction("hello", "hello.py"));
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const cold = await node.post("/invoke/hello", {});
  assert.equal(cold.body.IsWarmStart, false);
  const [warm] = await containers(node, "label=serverledge.function=hello");
  assert.ok(warm, "one warm container");
  return { node, warm };
}

/** Invokes "hello" and checks it ran, cold, on a new container; the lost one is gone. */
async function assertServedByNewContainer(node: TestNode, lost: string): Promise<void> {
  const answer = await node.post("/invoke/hello", { Params: { name: "again" } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.Result, JSON.stringify("Hello, again!"));
  assert.equal(answer.body.IsWarmStart, false, "a fresh cold start is reported");
  assert.ok((answer.body.InitTime as number) > 0);
  const now = await containers(node, "label=serverledge.function=hello");
  assert.equal(now.length, 1, "only the new container is left");
  assert.notEqual(now[0], lost);
  const warm = await node.post("/invoke/hello", {});
  assert.equal(warm.body.IsWarmStart, true, "the new container serves warm");
}

Deno.test(
  "a warm container killed from outside: the next call runs on a new one",
  opts,
  async () => {
    const { node, warm } = await nodeWithWarmHello();
    await using _ = node;
    await docker("kill", warm);
    await untilStopped(warm);
    await assertServedByNewContainer(node, warm);
  },
);

Deno.test(
  "a warm container removed from outside: the next call runs on a new one",
  opts,
  async () => {
    const { node, warm } = await nodeWithWarmHello();
    await using _ = node;
    await docker("rm", "-f", warm);
    await assertServedByNewContainer(node, warm);
  },
);

Deno.test("a warm container paused from outside: the call runs on a new one", opts, async () => {
  const { node, warm } = await nodeWithWarmHello();
  await using _ = node;
  await docker("pause", warm);
  // The function's timeout is 60 s: an answer that is a success did not wait for it.
  await assertServedByNewContainer(node, warm);
  assert.deepEqual(await containers(node, `id=${warm}`), [], "the paused container was removed");
});

Deno.test("a blank container killed from outside: a cold start uses a new one", opts, async () => {
  await using node = await startTestNode({ config: { "container.pool.blank": 1 } });
  const ready = async () => ((await node.get("/status")).body as { Pool: { Blank: number } }).Pool;
  const runtimes = builtInImages().length;
  for (let i = 0; i < 200 && (await ready()).Blank < runtimes; i++) await sleep(100);
  assert.equal((await ready()).Blank, runtimes, "one ready blank container per built-in runtime");
  const blanks = await containers(node, "label=serverledge.blank=true");
  await docker("kill", ...blanks);
  await node.post("/create", await exampleFunction("hello", "hello.py"));
  const answer = await node.post("/invoke/hello", {});
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.Success, true);
  assert.equal(answer.body.IsWarmStart, false);
});

/** The functions of the containers the engine created for `node` since `since` (Unix seconds). */
async function createdFor(node: TestNode, since: number): Promise<string[]> {
  const id = node.node.services.identity.id;
  const listed = await docker(
    ...["events", "--since", String(since), "--until", (Date.now() / 1000).toFixed(3)],
    ...["--filter", `label=serverledge.node=${id}`, "--filter", "event=create"],
    ...["--format", '{{index .Actor.Attributes "serverledge.function"}}'],
  );
  return listed.split("\n").filter(Boolean).sort();
}

Deno.test(
  "a function that exits its process or runs out of memory fails, and is not retried",
  opts,
  async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await using node = await startTestNode();
    await node.post("/create", {
      Name: "quitter",
      Runtime: "python311",
      MemoryMB: 64,
      Handler: "main.handler",
      TarFunctionCode: pythonCode("import os\n\ndef handler(params, context):\n    os._exit(3)\n"),
    });
    const quit = await node.post("/invoke/quitter", {});
    assert.equal(quit.status, 500, JSON.stringify(quit.body));
    assert.equal(quit.body.Success, false);
    assert.match(quit.body.Error as string, /"quitter" crashed: its container exited with code 3/);

    await node.post("/create", await exampleFunction("hog", "memhog.py", { MemoryMB: 48 }));
    const hog = await node.post("/invoke/hog", { Params: { mb: 200 } });
    assert.equal(hog.status, 500, JSON.stringify(hog.body));
    assert.match(hog.body.Error as string, /"hog" exceeded its memory limit of 48 MB/);

    assert.deepEqual(await createdFor(node, since), ["hog", "quitter"], "neither call was retried");
  },
);
