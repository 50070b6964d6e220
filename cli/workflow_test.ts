// The workflow commands against a stand-in node on 127.0.0.1 that records what they send and
// answers in the documented formats (the real node: cli_e2e_test.ts): the bodies, the paths,
// and how answers and refusals are printed.
import assert from "node:assert/strict";
import { decodeBase64 } from "../protocol/base64.ts";
import { runCaptured } from "./captured_run.ts";

interface Seen {
  method: string;
  path: string;
  body: unknown;
}

/** A stand-in node: `answer` picks the status and body of each request. */
function standIn(answer: (seen: Seen) => [number, unknown]) {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const text = await req.text();
    const request = {
      method: req.method,
      path: new URL(req.url).pathname,
      body: text ? JSON.parse(text) : undefined,
    };
    seen.push(request);
    const [status, body] = answer(request);
    return Response.json(body, { status });
  });
  return {
    seen,
    at: ["-H", "127.0.0.1", "-P", String(server.addr.port), "-json"],
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("create-workflow sends the file's text base64-encoded, with -overwrite", async () => {
  await using node = standIn(() => [200, { Created: "flow" }]);
  const dir = await Deno.makeTempDir({ prefix: "cli-workflow-" });
  const definition = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}\n';
  await Deno.writeTextFile(`${dir}/flow.json`, definition);
  const run = await runCaptured(
    ["create-workflow", "-f", "flow", "-s", "flow.json", "-overwrite", ...node.at],
    {},
    dir,
  );
  assert.equal(run.stderr, "");
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '{"Created":"flow"}\n');
  const [sent] = node.seen;
  assert.equal(sent.path, "/workflow/create");
  const body = sent.body as { Name: string; ASLSrc: string; OverwriteIfExists: boolean };
  assert.equal(body.Name, "flow");
  assert.equal(body.OverwriteIfExists, true);
  assert.equal(new TextDecoder().decode(decodeBase64(body.ASLSrc)), definition);
  const missing = await runCaptured(["create-workflow", "-f", "x", "-s", "nope.json", ...node.at]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Cannot read definition file "nope\.json": /);
  assert.equal(node.seen.length, 1, "nothing sent for a missing file");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("create-workflow prints the node's reason when it refuses, exit 1", async () => {
  await using node = standIn(() => [400, { Error: 'state "A": "Next" names no state ("B")' }]);
  const dir = await Deno.makeTempDir({ prefix: "cli-workflow-" });
  await Deno.writeTextFile(`${dir}/bad.json`, "{}");
  const run = await runCaptured([
    "create-workflow",
    "-f",
    "bad",
    "-s",
    `${dir}/bad.json`,
    ...node.at,
  ]);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'state "A": "Next" names no state ("B")\n');
  await Deno.remove(dir, { recursive: true });
});

Deno.test("invoke-workflow sends -p strings, -param_json, QoS as an object, -a", async () => {
  await using node = standIn(({ body }) =>
    (body as { Async: boolean }).Async
      ? [200, { ReqId: "flow-1" }]
      : [200, { Success: true, Result: 42, ResponseTime: 0.1, Reports: {} }]
  );
  const sync = await runCaptured([
    "invoke-workflow",
    "-f",
    "flow",
    "-p",
    "n:7",
    "-param_json",
    "xs:[1,2]",
    "-c",
    "performance",
    "--resptime",
    "2.5",
    ...node.at,
  ]);
  assert.equal(sync.code, 0, sync.stderr);
  assert.deepEqual(JSON.parse(sync.stdout), {
    Success: true,
    Result: 42,
    ResponseTime: 0.1,
    Reports: {},
  });
  assert.equal(node.seen[0].path, "/workflow/invoke/flow");
  assert.deepEqual(node.seen[0].body, {
    Params: { n: "7", xs: [1, 2] },
    QoS: { Class: 1, MaxRespT: 2.5 },
    CanDoOffloading: true,
    Async: false,
  });
  const async = await runCaptured(["invoke-workflow", "-f", "flow", "-a", ...node.at]);
  assert.equal(async.stdout, '{"ReqId":"flow-1"}\n');
  assert.deepEqual(node.seen[1].body, {
    Params: {},
    QoS: { Class: 0, MaxRespT: 0 },
    CanDoOffloading: true,
    Async: true,
  });
});

Deno.test("invoke-workflow: a failed run prints its report and why, exit 1", async () => {
  const report = {
    Success: false,
    Result: null,
    ResponseTime: 0.1,
    Reports: {},
    Error: "States.TaskFailed",
    Cause: "division by zero",
  };
  await using node = standIn(() => [500, report]);
  const run = await runCaptured(["invoke-workflow", "-f", "flow", ...node.at]);
  assert.equal(run.code, 1);
  assert.deepEqual(JSON.parse(run.stdout), report);
  assert.equal(run.stderr, 'Workflow "flow" failed: States.TaskFailed: division by zero\n');
});

Deno.test("list-workflows and delete-workflow", async () => {
  await using node = standIn(({ path }) =>
    path === "/workflow/list" ? [200, ["a", "b"]] : [200, { Deleted: "a" }]
  );
  assert.equal((await runCaptured(["list-workflows", ...node.at])).stdout, '["a","b"]\n');
  assert.equal(
    (await runCaptured(["delete-workflow", "-f", "a", ...node.at])).stdout,
    '{"Deleted":"a"}\n',
  );
  assert.deepEqual(node.seen.map((s) => [s.method, s.path, s.body]), [
    ["GET", "/workflow/list", undefined],
    ["POST", "/workflow/delete", { Name: "a" }],
  ]);
  const usage = await runCaptured(["delete-workflow", ...node.at]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^Option "-function" is required/);
});
