// The deno2 runtime through a real node: TypeScript functions created under the alias
// `typescript`, cold and warm starts (from a blank container too), vendored npm packages,
// concurrency, timeouts and process.exit.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";
import { until } from "../testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A create body for Deno code given as files, handler `main.ts`. */
function denoFunction(
  name: string,
  files: Record<string, string>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const tar = writeTar(Object.entries(files).map(([path, data]) => ({ name: path, data })));
  return {
    Name: name,
    Runtime: "typescript",
    MemoryMB: 128,
    Handler: "main.ts",
    TarFunctionCode: encodeBase64(tar),
    ...extra,
  };
}

interface PoolStatus {
  Blank: number;
  Functions: Record<string, unknown>;
}

async function poolStatus(node: TestNode): Promise<PoolStatus> {
  return ((await node.get("/status")).body as { Pool: PoolStatus }).Pool;
}

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "inherit" }).output();
  assert.ok(out.success, `docker ${args.join(" ")}`);
  return new TextDecoder().decode(out.stdout).trim();
}

/** Ids of the node's containers of the Deno image. */
async function denoContainers(node: TestNode): Promise<string[]> {
  const label = `label=serverledge.node=${node.node.services.identity.id}`;
  const ids = await docker("ps", "-q", "--filter", label, "--filter", "ancestor=serverledge-deno2");
  return ids.split("\n").filter(Boolean);
}

async function memoryLimitMB(id: string): Promise<number> {
  return Number(await docker("inspect", "--format", "{{.HostConfig.Memory}}", id)) / 2 ** 20;
}

Deno.test("a TypeScript function runs cold, then warm, with its output", opts, async () => {
  await using node = await startTestNode();
  const created = await node.post("/create", await exampleFunction("hello", "hello.ts"));
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.deepEqual(created.body, { Created: "hello", Runtime: "deno2" });

  const cold = await node.post("/invoke/hello", { Params: { name: "Deno" }, ReturnOutput: true });
  assert.equal(cold.status, 200, JSON.stringify(cold.body));
  assert.equal(cold.body.Result, JSON.stringify("Hello, Deno!"));
  assert.equal(cold.body.Output, "Saying hello to Deno\n");
  assert.equal(cold.body.IsWarmStart, false);

  for (const Handler of ["hello.py", "missing.ts"]) {
    const refused = await node.post(
      "/create",
      await exampleFunction("bad", "hello.ts", { Handler }),
    );
    assert.equal(refused.status, 400, `${Handler}: ${JSON.stringify(refused.body)}`);
    assert.match(refused.body.Error as string, new RegExp(Handler.replace(".", "\\.")));
  }

  const warm = await node.post("/invoke/hello", { Params: {} });
  assert.equal(warm.body.IsWarmStart, true);
  assert.equal(warm.body.Result, JSON.stringify("Hello, World!"));
  assert.equal(warm.body.Output, "");
});

Deno.test("a cold start takes a blank Deno container", opts, async () => {
  await using node = await startTestNode({ config: { "container.pool.blank": 1 } });
  // One blank container per built-in runtime, the Deno one among them (32 MB once ready).
  await until(async () => (await poolStatus(node)).Blank >= 3 || undefined, "blank containers");
  const [blank] = await denoContainers(node);
  assert.equal(await memoryLimitMB(blank), 32);
  await node.post("/create", await exampleFunction("hello", "hello.ts"));
  const cold = await node.post("/invoke/hello", { Params: { name: "blank" } });
  assert.equal(cold.status, 200, JSON.stringify(cold.body));
  assert.equal(cold.body.Result, JSON.stringify("Hello, blank!"));
  assert.equal(cold.body.IsWarmStart, false);
  assert.equal(await memoryLimitMB(blank), 128, "the blank container, resized to the function");
});

Deno.test("a function imports the npm packages its folder vendors", opts, async () => {
  await using node = await startTestNode();
  const created = await node.post(
    "/create",
    denoFunction("padder", {
      "main.ts": 'import pad from "left-pad-lite";\n' +
        "export default (p: { s: string }) => pad(p.s, 5, '.');\n",
      "node_modules/left-pad-lite/package.json":
        '{"name": "left-pad-lite", "version": "1.0.0", "main": "index.js"}',
      "node_modules/left-pad-lite/index.js":
        "module.exports = (s, n, c) => String(s).padStart(n, c);\n",
    }),
  );
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const answer = await node.post("/invoke/padder", { Params: { s: "ab" } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.Result, JSON.stringify("...ab"));
});

Deno.test("one container serves concurrent invocations up to MaxConcurrency", opts, async () => {
  await using node = await startTestNode();
  await node.post(
    "/create",
    denoFunction("waiter", {
      "main.ts": "export default async (p: { ms: number }) => {\n" +
        "  const start = Date.now();\n" +
        "  await new Promise((r) => setTimeout(r, p.ms));\n" +
        "  return { start, end: Date.now() };\n};\n",
    }, { MaxConcurrency: 3 }),
  );
  await node.post("/invoke/waiter", { Params: { ms: 0 } }); // the container, warm
  const answers = await Promise.all(
    [1, 2, 3].map(() => node.post("/invoke/waiter", { Params: { ms: 300 } })),
  );
  const spans = answers.map((a) => {
    assert.equal(a.body.Success, true, JSON.stringify(a.body));
    assert.equal(a.body.IsWarmStart, true);
    return JSON.parse(a.body.Result as string) as { start: number; end: number };
  });
  const lastStart = Math.max(...spans.map((s) => s.start));
  assert.ok(lastStart < Math.min(...spans.map((s) => s.end)), JSON.stringify(spans));
  assert.equal((await denoContainers(node)).length, 1, "all three on the one container");
});

Deno.test(
  "a hanging or exiting function is reported; the next call starts anew",
  opts,
  async () => {
    await using node = await startTestNode();
    await node.post(
      "/create",
      denoFunction("stuck", {
        "main.ts": "export default (p: { spin?: boolean }) => {\n" +
          "  if (p.spin) for (;;);\n" +
          "  return 'free';\n};\n",
      }, { Timeout: 1 }),
    );
    const hung = await node.post("/invoke/stuck", { Params: { spin: true } });
    assert.equal(hung.status, 500);
    assert.match(hung.body.Error as string, /timed out after 1 s/);
    await until(
      async () => (await poolStatus(node)).Functions.stuck ? undefined : true,
      "the timed-out container to be removed",
    );
    const again = await node.post("/invoke/stuck", { Params: {} });
    assert.equal(again.body.Success, true, JSON.stringify(again.body));
    assert.equal(again.body.IsWarmStart, false);
    assert.equal(again.body.Result, JSON.stringify("free"));

    await node.post(
      "/create",
      denoFunction("quitter", {
        "main.ts": 'import process from "node:process";\nexport default () => process.exit(7);\n',
      }),
    );
    const quit = await node.post("/invoke/quitter", { Params: {} });
    assert.equal(quit.status, 500);
    assert.match(quit.body.Error as string, /exited with code 7/);
  },
);
