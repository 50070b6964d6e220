// The code checker runs the code checks in a worker: answers and errors come back as they
// would on the main thread, the body is handed over, a closed checker fails what is pending.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import type { ExecutorInitBody } from "../../protocol/executor.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { HttpError } from "../errors.ts";
import { definition } from "../testing/registry_contract.ts";
import { sleep } from "../timing/sleep.ts";
import { CodeChecker } from "./code_checker.ts";

const LIMITS = { codeBytes: 1 << 20, defaultTimeout: 60 };
const HELLO = "def handler(params, context):\n    return 1\n";
const code = encodeBase64(writeTar([{ name: "hello.py", data: HELLO }]));
const body = (fields: Record<string, unknown>) =>
  new TextEncoder().encode(JSON.stringify({
    Name: "hello",
    Runtime: "python310",
    MemoryMB: 64,
    Handler: "hello.handler",
    TarFunctionCode: code,
    ...fields,
  }));

async function gzipBomb(bytes: number): Promise<string> {
  const tar = writeTar([{ name: "hello.py", data: new Uint8Array(bytes) }]);
  const stream = new Blob([tar as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return encodeBase64(new Uint8Array(await new Response(stream).arrayBuffer()));
}

Deno.test("a body is handed to the worker and comes back checked, its code encoded", async () => {
  using checker = new CodeChecker();
  const bytes = body({});
  const chunks = [bytes.slice(0, 100), bytes.slice(100)];
  const checked = await checker.checkBody(chunks, LIMITS);
  assert.ok(
    chunks.every((chunk) => chunk.buffer.byteLength === 0),
    "the body's chunks went to the worker, not copied",
  );
  assert.equal(checked.definition.Name, "hello");
  assert.equal(checked.definition.Runtime, "python310", "the runtime is kept as given");
  assert.equal(checked.definition.TarFunctionCode, code);
  const init = JSON.parse(new TextDecoder().decode(checked.code.initBody)) as ExecutorInitBody;
  assert.deepEqual(init.Files, [
    { Path: "hello.py", Mode: 0o644, Data: encodeBase64(new TextEncoder().encode(HELLO)) },
  ]);
  assert.equal(checked.code.files, 1);
  const stored = await checker.checkStored(
    definition("s", { Handler: "hello.handler", TarFunctionCode: code }),
    { codeBytes: 1024, defaultTimeout: 60 },
  );
  assert.equal(stored.code.files, 1);
});

Deno.test("what the checks refuse comes back with its status and message", async () => {
  using checker = new CodeChecker();
  const cases: [Uint8Array<ArrayBuffer>, number, RegExp][] = [
    [new TextEncoder().encode("{not json"), 400, /not valid JSON/],
    [new TextEncoder().encode(`{"a": ${"[".repeat(1000)}${"]".repeat(1000)}}`), 400, /deep/],
    [body({ Runtime: "cobol" }), 404, /"cobol" is unknown/],
    [body({ TarFunctionCode: "%%%" }), 400, /not valid base64/],
    [body({ TarFunctionCode: await gzipBomb(8 << 20) }), 413, /unpacks to more than/],
    [body({ Handler: "missing.handler" }), 400, /needs file "missing.py"/],
  ];
  for (const [bytes, status, message] of cases) {
    await assert.rejects(
      checker.checkBody([bytes], LIMITS),
      (error: unknown) =>
        error instanceof HttpError && error.status === status && message.test(error.message),
    );
  }
  // The worker goes on after refusals.
  assert.equal((await checker.checkBody([body({})], LIMITS)).definition.Name, "hello");
});

Deno.test("jobs pending when the checker closes fail with 503, and so do later ones", async () => {
  const checker = new CodeChecker();
  const pending = checker.checkBody([body({ TarFunctionCode: await gzipBomb(64 << 20) })], {
    ...LIMITS,
    codeBytes: 128 << 20,
  });
  checker.close();
  for (const job of [pending, checker.checkBody([body({})], LIMITS)]) {
    await assert.rejects(
      job,
      (error: unknown) => error instanceof HttpError && error.status === 503,
    );
  }
});

Deno.test("the worker starts with the first job, stops once idle and starts again", async () => {
  using checker = new CodeChecker({ idleMs: 50 });
  assert.equal(checker.running, false, "no worker before the first job");
  assert.equal((await checker.checkBody([body({})], LIMITS)).definition.Name, "hello");
  assert.equal(checker.running, true);
  while (checker.running) await sleep(10);
  assert.equal((await checker.checkBody([body({})], LIMITS)).definition.Name, "hello");
  await assert.rejects(
    checker.checkBody([body({ Runtime: "cobol" })], LIMITS),
    (error: unknown) => error instanceof HttpError && error.status === 404,
  );
});

Deno.test("a worker with a job in progress is not stopped as idle", async () => {
  using checker = new CodeChecker({ idleMs: 1 });
  const big = await gzipBomb(32 << 20);
  const quick = checker.checkBody([body({})], LIMITS);
  const slow = checker.checkBody([body({ TarFunctionCode: big })], {
    ...LIMITS,
    codeBytes: 64 << 20,
  });
  assert.equal((await quick).definition.Name, "hello");
  await sleep(20); // past idleMs while the second job runs
  assert.equal(checker.running, true);
  assert.equal((await slow).definition.Name, "hello");
});
