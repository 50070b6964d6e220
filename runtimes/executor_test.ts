// Integration tests of the runtime executors: each image runs in a real container, confined as
// a node confines it (the Docker backend with the default settings: read-only root, tmpfs /tmp
// and code directory, limits), reached on its Unix socket as the image declares, and again on
// TCP port 8080 from a derived image that declares TCP.
//
//   deno test -A runtimes/executor_test.ts
//
// Needs a Docker daemon (scripts/setup-docker.sh) and the runtime images
// (scripts/build-runtimes.sh). Containers carry the label serverledge.test=executor and are
// removed at the end of each test, pass or fail, as are the derived images.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import helloPy from "../examples/hello.py" with { type: "text" };
import failPy from "../examples/fail.py" with { type: "text" };
import doublePy from "../examples/double.py" with { type: "text" };
import sleepPy from "../examples/sleep.py" with { type: "text" };
import sieveJs from "../examples/sieve.js" with { type: "text" };
import asyncHelloJs from "../examples/async_hello.js" with { type: "text" };
import helloTs from "../examples/hello.ts" with { type: "text" };
import { starterCode } from "../dashboard/lib/code.ts";
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend, TRANSPORT_LABEL } from "../server/containers/docker.ts";
import { addressOf, HttpClient } from "../server/http/client.ts";
import { containerSandbox } from "../server/node.ts";
import { buildTestImage } from "../server/testing/docker_image.ts";

const TEST_LABEL = "serverledge.test=executor";
const decoder = new TextDecoder();

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `Command "docker ${args.join(" ")}" failed: ${decoder.decode(out.stderr).trim()}`,
    );
  }
  return decoder.decode(out.stdout).trim();
}

interface Reply {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A running executor container, reached on its socket or its port published on 127.0.0.1. */
class Executor {
  readonly #client: HttpClient;

  constructor(readonly backend: DockerBackend, readonly id: string, readonly url: string) {
    this.#client = new HttpClient(addressOf(url));
  }

  static async start(image: string): Promise<Executor> {
    try {
      await docker("image", "inspect", "--format", "{{.Id}}", image);
    } catch {
      throw new Error(`Image "${image}" is missing: run scripts/build-runtimes.sh first`);
    }
    const backend = new DockerBackend({
      nodeId: `executor-test-${crypto.randomUUID().slice(0, 8)}`,
      sandbox: containerSandbox(parseConfig("{}", "yaml", "executor test")),
    });
    const [name, value] = TEST_LABEL.split("=");
    const { id, executor: { url } } = await backend.start({
      image,
      memoryMB: 256,
      cpus: 0,
      labels: { [name]: value },
    });
    const executor = new Executor(backend, id, url);
    try {
      await executor.waitReady();
      return executor;
    } catch (e) {
      await executor.remove();
      throw e;
    }
  }

  async waitReady(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        if ((await this.#client.request({ method: "GET", path: "/health" })).status === 200) return;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const logs = await docker("logs", this.id).catch(() => "");
    throw new Error(
      `Executor ${this.id.slice(0, 12)} not ready after ${timeoutMs} ms: ${last}\n${logs}`,
    );
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
    after?: Promise<unknown>,
  ): Promise<Reply> {
    const text = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await this.#client.request({
      method,
      path,
      contentType: "application/json",
      body: text === undefined ? undefined : new TextEncoder().encode(text),
      after,
    });
    const header = (name: string) => res.headers.find(([n]) => n === name)?.[1];
    assert.equal(header("content-type"), "application/json");
    assert.equal(header("content-length"), String(res.body.length));
    return { status: res.status, body: JSON.parse(decoder.decode(res.body)) };
  }

  invoke(
    handler: string,
    params: Record<string, unknown> = {},
    returnOutput = true,
    context?: Record<string, unknown>,
    after?: Promise<unknown>,
  ): Promise<Reply> {
    return this.call(
      "POST",
      "/invoke",
      {
        Handler: handler,
        Params: params,
        ReturnOutput: returnOutput,
        Context: context,
      },
      undefined,
      after,
    );
  }

  /** Removes the container and its socket directory. */
  async remove(): Promise<void> {
    this.#client.close();
    await this.backend.removeAll(); // its own node id: this container and its directories
  }
}

/**
 * Registers the test of `runtime` over each transport, each on a fresh executor: of the image
 * as built (its executor declares the Unix socket), and of an image derived from it that
 * declares TCP instead. Each checks the executor before init (with `handler`), writes `files`,
 * then runs `body`.
 */
function testRuntime(
  runtime: string,
  handler: string,
  files: ReturnType<typeof file>[],
  body: (ex: Executor, t: Deno.TestContext) => Promise<void>,
) {
  for (const transport of ["unix", "tcp"]) {
    const name = `${runtime} executor over ${transport}: init, invoke, errors, concurrent output`;
    Deno.test(name, async (t) => {
      const image = `serverledge-${runtime}:latest`;
      await using derived = transport === "tcp"
        ? await buildTestImage(`FROM ${image}\nLABEL ${TRANSPORT_LABEL}=tcp\n`)
        : undefined;
      const ex = await Executor.start(derived?.name ?? image);
      try {
        assert.match(ex.url, transport === "unix" ? /^unix:\// : /^http:\/\/127\.0\.0\.1:/);
        await t.step(
          "before init: health, 409, bad JSON, bad paths",
          () => checkBeforeInit(ex, handler),
        );
        await t.step("init writes the code; a second init is refused", () => init(ex, files));
        await body(ex, t);
      } finally {
        await ex.remove();
      }
    });
  }
}

function file(path: string, text: string, mode = 0o644) {
  return { Path: path, Mode: mode, Data: Buffer.from(text).toString("base64") };
}

/** Checks shared by both runtimes on a fresh, uninitialized executor. */
async function checkBeforeInit(ex: Executor, handler: string) {
  let r = await ex.call("GET", "/health");
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { Ready: true, Initialized: false });

  r = await ex.invoke(handler);
  assert.equal(r.status, 409);
  assert.equal(r.body.Success, false);
  assert.equal(r.body.Error, "Executor is not initialized");

  r = await ex.call("POST", "/invoke", undefined, '{"Handler": ');
  assert.equal(r.status, 400);
  assert.equal(r.body.Success, false);
  assert.match(r.body.Error, /Invalid JSON/);

  r = await ex.call("POST", "/init", undefined, "not json");
  assert.equal(r.status, 400);
  assert.match(r.body.Error, /Invalid JSON/);

  for (const bad of ["../evil.txt", "/etc/evil.txt", "a/../../evil.txt"]) {
    r = await ex.call("POST", "/init", { Files: [file(bad, "x")] });
    assert.equal(r.status, 400, `path ${bad}`);
    assert.equal(r.body.Initialized, false);
  }
  r = await ex.call("POST", "/init", { Files: [{ Path: "x.txt", Mode: 420, Data: "%%%" }] });
  assert.equal(r.status, 400);
  assert.match(r.body.Error, /base64/);

  r = await ex.call("GET", "/nope");
  assert.equal(r.status, 404);

  r = await ex.call("GET", "/health");
  assert.equal(r.body.Initialized, false);
}

async function init(ex: Executor, files: ReturnType<typeof file>[]) {
  let r = await ex.call("POST", "/init", { Files: files });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { Initialized: true });

  r = await ex.call("POST", "/init", { Files: files });
  assert.equal(r.status, 409);

  r = await ex.call("GET", "/health");
  assert.deepEqual(r.body, { Ready: true, Initialized: true });
}

/** JavaScript that keeps its module loading for half a second. */
const LOAD_FOR_HALF_A_SECOND =
  "const t = Date.now();\nwhile (Date.now() - t < 500) { /* loading */ }\n";

/**
 * `handler`'s module takes half a second to load: its first call took that long, but the
 * executor's `Duration` counts only the handler's run.
 */
async function checkLoadNotCounted(ex: Executor, handler: string) {
  const began = performance.now();
  const r = await ex.invoke(handler);
  assert.equal(r.body.Success, true, r.body.Error);
  assert.ok(performance.now() - began >= 500, "the call loaded the module");
  assert.ok(r.body.Duration < 0.25, `the handler alone ran ${r.body.Duration} s`);
}

/** `handler` answers `null` for an undefined result, and a BigInt (`kind: "big"`) as its string. */
async function checkOddResults(ex: Executor, handler: string) {
  let r = await ex.invoke(handler);
  assert.equal(r.body.Result, "null");
  r = await ex.invoke(handler, { kind: "big" });
  assert.equal(r.body.Result, '"10"');
}

/**
 * `throws` (throwing `Error("boom")`) and `rejects.js` (rejecting with `TypeError("nope")`) fail
 * with the error and its stack, which names the file.
 */
async function checkThrows(ex: Executor, throws: string) {
  let r = await ex.invoke(throws);
  assert.equal(r.body.Success, false);
  assert.equal(r.body.Result, "");
  assert.match(r.body.Error, /^Error: boom\n\s+at /);
  assert.match(r.body.Error, new RegExp(throws.replaceAll(".", "\\.")));
  r = await ex.invoke("rejects.js");
  assert.equal(r.body.Success, false);
  assert.match(r.body.Error, /^TypeError: nope\n\s+at /);
}

/** What a chatty handler prints for `tag`: five lines on stdout and stderr, interleaved. */
function chattyOutput(tag: string): string {
  return [0, 1, 2, 3, 4].map((i) => `${tag} out ${i}\n${tag} err ${i}\n`).join("");
}

/** Runs `tags.length` chatty invocations at once; each must get exactly its own output back. */
async function checkConcurrentOutput(ex: Executor, handler: string) {
  const tags = ["alpha", "beta", "gamma", "delta"];
  const replies = await Promise.all(tags.map((tag) => ex.invoke(handler, { tag, lines: 5 })));
  const spans: [number, number][] = [];
  replies.forEach((r, i) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.Success, true, r.body.Error);
    assert.equal(r.body.Output, chattyOutput(tags[i]));
    assert.ok(
      typeof r.body.Duration === "number" && r.body.Duration >= 0 && r.body.Duration < 60,
      `the executor says how long the handler ran: ${r.body.Duration}`,
    );
    const result = JSON.parse(r.body.Result);
    assert.equal(result.tag, tags[i]);
    spans.push([result.start, result.end]);
  });
  // They really ran at the same time: every invocation started before any one ended.
  const lastStart = Math.max(...spans.map((s) => s[0]));
  const firstEnd = Math.min(...spans.map((s) => s[1]));
  assert.ok(lastStart < firstEnd, `invocations did not overlap: ${JSON.stringify(spans)}`);
}

/**
 * Writes two chatty invocations on one connection, the second behind the first (HTTP/1.1
 * pipelining, as the node does for an image labelled `serverledge.executor.pipelining`
 * `sequential`): each must get its own output back, and the second must start only once the
 * first ended.
 */
async function checkPipelinedInTurn(ex: Executor, handler: string) {
  assert.equal((await ex.call("GET", "/health")).status, 200); // a connection to go on
  const first = ex.invoke(handler, { tag: "first", lines: 5 });
  // `after` never settles: the second is answered only if it was written behind the first.
  const second = ex.invoke(handler, { tag: "second", lines: 5 }, true, undefined, NEVER);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the second was not pipelined")), 20_000);
  });
  try {
    const spans = [];
    const replies = [await first, await Promise.race([second, late])] as const;
    for (const [reply, tag] of [[replies[0], "first"], [replies[1], "second"]] as const) {
      assert.equal(reply.status, 200);
      assert.equal(reply.body.Success, true, reply.body.Error);
      assert.equal(reply.body.Output, chattyOutput(tag));
      spans.push(JSON.parse(reply.body.Result));
    }
    assert.ok(
      spans[1].start >= spans[0].end,
      `the second overlapped the first: ${JSON.stringify(spans)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** A promise that never settles. */
const NEVER = new Promise<never>(() => {});

const CHATTY_PY = `
import sys, time

def handler(params, context):
    tag = params["tag"]
    start = time.time()
    for i in range(params["lines"]):
        print(f"{tag} out {i}")
        sys.stderr.write(f"{tag} err {i}\\n")
        time.sleep(0.03)
    return {"tag": tag, "start": start, "end": time.time()}
`;

const MISC_PY = `
import sys

def exits(params, context):
    sys.exit(3)

def nothing(params, context):
    return None

def odd(params, context):
    return {1, 2}

def echo_context(params, context):
    return {"params": params, "context": context}

not_callable = 42

async def coro(params, context):
    return "awaited"

def scratch(params, context):
    import tempfile
    with tempfile.TemporaryFile() as f:
        f.write(b"scratch")
        f.seek(0)
        kept = f.read().decode()
    try:
        open("/var/tmp/x", "w")
        root = "writable"
    except OSError as e:
        root = e.strerror
    return {"tmp": kept, "root": root}
`;

const SCRATCH_JS = `
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
module.exports = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scratch-"));
  fs.writeFileSync(path.join(dir, "f"), "scratch");
  let root = "writable";
  try {
    fs.writeFileSync("/var/tmp/x", "y");
  } catch (e) {
    root = e.code;
  }
  return { tmp: fs.readFileSync(path.join(dir, "f"), "utf8"), root };
};
`;

testRuntime("python311", "hello.handler", [
  file("hello.py", helloPy),
  file(
    "slow_load.py",
    "import time\ntime.sleep(0.5)\ndef handler(params, context):\n    return 1\n",
  ),
  file("fail.py", failPy),
  file("double.py", doublePy),
  file("sleep.py", sleepPy),
  file("chatty.py", CHATTY_PY),
  file("misc.py", MISC_PY),
  file("pkg/sub/mod.py", "def run(params, context):\n    return 'deep'\n"),
], async (ex, t) => {
  await t.step(
    "a module's first load is not counted as the handler's run",
    () => checkLoadNotCounted(ex, "slow_load.handler"),
  );
  await t.step("invoke returns the result and the captured output", async () => {
    let r = await ex.invoke("hello.handler", { name: "Bob" });
    assert.equal(r.status, 200);
    const { Duration, ...reply } = r.body;
    assert.deepEqual(reply, {
      Success: true,
      Result: '"Hello, Bob!"',
      Output: "Saying hello to Bob\n",
      Error: "",
    });
    assert.equal(typeof Duration, "number", "seconds the handler ran");
    r = await ex.invoke("hello.handler", {}, false);
    assert.equal(r.body.Result, '"Hello, World!"');
    assert.equal(r.body.Output, "");
    r = await ex.invoke("double.handler", { a: 6, b: 7 });
    assert.equal(JSON.parse(r.body.Result).product, 42);
    r = await ex.invoke("pkg.sub.mod.run");
    assert.equal(r.body.Result, '"deep"');
    r = await ex.invoke("sleep.handler", { seconds: 0.01 });
    assert.deepEqual(JSON.parse(r.body.Result), { slept: 0.01 });
  });

  await t.step("results: None, non-JSON values, context, coroutines", async () => {
    let r = await ex.invoke("misc.nothing");
    assert.equal(r.body.Result, "null");
    r = await ex.invoke("misc.odd");
    assert.equal(r.body.Result, '"{1, 2}"');
    r = await ex.invoke("misc.echo_context", { x: 1 }, false, { ReqId: "r1" });
    assert.deepEqual(JSON.parse(r.body.Result), { params: { x: 1 }, context: { ReqId: "r1" } });
    r = await ex.invoke("misc.coro");
    assert.equal(r.body.Result, '"awaited"');
  });

  await t.step("temp files work under the read-only root", async () => {
    const r = await ex.invoke("misc.scratch");
    assert.deepEqual(JSON.parse(r.body.Result), {
      tmp: "scratch",
      root: "Read-only file system",
    });
  });

  await t.step("a raising handler fails with its traceback", async () => {
    const r = await ex.invoke("fail.handler", { message: "boom" });
    assert.equal(r.status, 200);
    assert.equal(r.body.Success, false);
    assert.equal(r.body.Result, "");
    assert.match(r.body.Error, /^RuntimeError: boom/);
    assert.match(r.body.Error, /Traceback \(most recent call last\)/);
    assert.match(r.body.Error, /fail\.py/);
  });

  await t.step("missing or invalid handlers fail clearly", async () => {
    let r = await ex.invoke("hello.nope");
    assert.equal(r.body.Success, false);
    assert.equal(
      r.body.Error,
      'Handler "hello.nope" not found: module "hello" has no attribute "nope"',
    );
    r = await ex.invoke("nope.handler");
    assert.equal(r.body.Error, 'Handler "nope.handler" not found: no module named "nope"');
    r = await ex.invoke("misc.not_callable");
    assert.match(r.body.Error, /is not callable/);
    r = await ex.invoke("hello");
    assert.match(r.body.Error, /expected "module\.function"/);
    r = await ex.call("POST", "/invoke", { Handler: "hello.handler", Params: [1] });
    assert.equal(r.status, 400);
  });

  await t.step("sys.exit is reported as a failure and the executor lives on", async () => {
    const r = await ex.invoke("misc.exits");
    assert.equal(r.body.Success, false);
    assert.match(r.body.Error, /sys\.exit\(3\)/);
    assert.equal((await ex.call("GET", "/health")).status, 200);
  });

  await t.step(
    "concurrent invocations each get only their own output",
    () =>
      checkConcurrentOutput(
        ex,
        "chatty.handler",
      ),
  );

  await t.step(
    "pipelined invocations on one connection run one after the other",
    () => checkPipelinedInTurn(ex, "chatty.handler"),
  );
});

const CHATTY_JS = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
module.exports = async (params) => {
  const start = Date.now();
  for (let i = 0; i < params.lines; i++) {
    console.log(params.tag + " out " + i);
    await sleep(5);
    process.stderr.write(params.tag + " err " + i + "\\n");
    await sleep(20);
  }
  return { tag: params.tag, start, end: Date.now() };
};
`;

testRuntime("nodejs18", "sieve.js", [
  file("sieve.js", sieveJs),
  file("slow_load.js", `${LOAD_FOR_HALF_A_SECOND}module.exports = () => 1;\n`),
  file("async_hello.js", asyncHelloJs),
  file("lib/chatty.js", CHATTY_JS),
  file("throws.js", 'module.exports = () => { throw new Error("boom"); };\n'),
  file("rejects.js", 'module.exports = async () => { throw new TypeError("nope"); };\n'),
  file("notfn.js", "module.exports = 42;\n"),
  file("obj.js", "module.exports = { handler: (p, ctx) => ({ p, ctx }) };\n"),
  file("values.js", "module.exports = (p) => (p.kind === 'big' ? 10n : undefined);\n"),
  file(
    "stray.js",
    'module.exports = () => { setTimeout(() => { throw new Error("late"); }, 5); return 1; };\n',
  ),
  file("esm.mjs", "export default async (p) => `esm ${p.x}`;\n"),
  file("scratch.js", SCRATCH_JS),
], async (ex, t) => {
  await t.step(
    "a module's first load is not counted as the handler's run",
    () => checkLoadNotCounted(ex, "slow_load.js"),
  );
  await t.step("invoke returns the result and the captured output", async () => {
    let r = await ex.invoke("sieve.js", { n: 100 });
    assert.equal(r.status, 200);
    assert.equal(r.body.Success, true, r.body.Error);
    assert.deepEqual(JSON.parse(r.body.Result), { IsPrime: false, N: 100, Primes: 25 });
    assert.equal(r.body.Output, "Found 25 primes up to 100\n");
    assert.equal(r.body.Error, "");
    r = await ex.invoke("sieve.js", {}, false);
    assert.equal(JSON.parse(r.body.Result).Primes, 168);
    assert.equal(r.body.Output, "");
    r = await ex.invoke("async_hello.js", { name: "Ann" });
    assert.equal(r.body.Result, '"Hello, Ann!"');
    assert.equal(r.body.Output, "Saying hello to Ann, asynchronously\n");
    r = await ex.invoke("obj.js", { a: 1 }, false, { ReqId: "r1" });
    assert.deepEqual(JSON.parse(r.body.Result), { p: { a: 1 }, ctx: { ReqId: "r1" } });
    r = await ex.invoke("esm.mjs", { x: 5 });
    assert.equal(r.body.Result, '"esm 5"');
  });

  await t.step("temp files work under the read-only root", async () => {
    const r = await ex.invoke("scratch.js");
    assert.equal(r.body.Success, true, r.body.Error);
    assert.deepEqual(JSON.parse(r.body.Result), { tmp: "scratch", root: "EROFS" });
  });

  await t.step("results: undefined and non-JSON values", () => checkOddResults(ex, "values.js"));

  await t.step("throws and rejections fail with the stack", () => checkThrows(ex, "throws.js"));

  await t.step("missing or invalid handlers fail clearly", async () => {
    let r = await ex.invoke("nope.js");
    assert.equal(r.body.Success, false);
    assert.equal(
      r.body.Error,
      'Handler "nope.js" not found: cannot find module "/app/nope.js"',
    );
    r = await ex.invoke("notfn.js");
    assert.match(r.body.Error, /^Handler "notfn\.js" is not a function/);
    r = await ex.invoke("../etc/passwd");
    assert.match(r.body.Error, /is invalid/);
    r = await ex.call("POST", "/invoke", { Handler: "sieve.js", Params: "x" });
    assert.equal(r.status, 400);
  });

  await t.step(
    "an error thrown later by function code does not kill the executor",
    async () => {
      const r = await ex.invoke("stray.js");
      assert.equal(r.body.Result, "1");
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal((await ex.call("GET", "/health")).status, 200);
    },
  );

  await t.step(
    "concurrent invocations each get only their own output",
    () =>
      checkConcurrentOutput(
        ex,
        "lib/chatty.js",
      ),
  );

  await t.step(
    "pipelined invocations on one connection run one after the other",
    () => checkPipelinedInTurn(ex, "lib/chatty.js"),
  );
});

const CHATTY_TS = `
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const encoder = new TextEncoder();
export default async (params: { tag: string; lines: number }) => {
  const start = Date.now();
  for (let i = 0; i < params.lines; i++) {
    console.log(params.tag + " out " + i);
    await sleep(5);
    await Deno.stderr.write(encoder.encode(params.tag + " err " + i + "\\n"));
    await sleep(20);
  }
  return { tag: params.tag, start, end: Date.now() };
};
`;

/** Every stream a function may print to, in order. */
const STREAMS_TS = `
import process from "node:process";
export default () => {
  console.log("log", { a: [1, 2] });
  console.error("error %d", 7);
  console.info("info");
  console.warn("warn");
  process.stdout.write("process out\\n");
  process.stderr.write("process err\\n");
  Deno.stdout.writeSync(new TextEncoder().encode("deno out\\n"));
  return "printed";
};
`;

/** Tries what function code must not do (and a few things it may), and says what happened. */
const PROBE_TS = `
async function attempt(what: () => unknown): Promise<string> {
  try {
    await what();
    return "allowed";
  } catch (e) {
    return (e as Error).name + ": " + (e as Error).message;
  }
}

export default async () => {
  const tmp = await Deno.makeTempDir();
  await Deno.writeTextFile(tmp + "/f", "scratch");
  return {
    readExecutor: await attempt(() => Deno.readTextFile("/executor/executor.ts")),
    importExecutor: await attempt(() => import("../executor/executor.ts")),
    readPasswd: await attempt(() => Deno.readTextFile("/etc/passwd")),
    readEnviron: await attempt(() => Deno.readTextFile("/proc/self/environ")),
    writeCode: await attempt(() => Deno.writeTextFile("/app/probe.ts", "x")),
    writeVarTmp: await attempt(() => Deno.writeTextFile("/var/tmp/x", "x")),
    run: await attempt(() => new Deno.Command("/bin/sh", { args: ["-c", "true"] }).output()),
    ffi: await attempt(() => Deno.dlopen("libc.so.6", {})),
    socket: await attempt(() =>
      Deno.connect({ transport: "unix", path: "/run/serverledge/executor.sock" })
    ),
    // The container's own loopback: nothing is sent anywhere when the import is refused.
    remoteImport: await attempt(() => import("http://127.0.0.1:9/mod.ts")),
    networkInterfaces: await attempt(() => Deno.networkInterfaces()),
    hostname: await attempt(() => Deno.hostname()),
    executorEnv: Object.keys(Deno.env.toObject()).filter((k) => k.startsWith("EXECUTOR_")),
    ownCode: (await Deno.readTextFile(new URL("./probe.ts", import.meta.url))).length > 0,
    tmp: await Deno.readTextFile(tmp + "/f"),
    requested: [
      (await Deno.permissions.request({ name: "read", path: "/executor" })).state,
      (await Deno.permissions.request({ name: "write", path: "/app" })).state,
      (await Deno.permissions.request({ name: "run" })).state,
    ],
    permissions: Object.fromEntries(
      await Promise.all(
        (["net", "env", "run", "ffi", "import"] as const).map(async (name) =>
          [name, (await Deno.permissions.query({ name })).state]
        ),
      ),
    ),
  };
};
`;

/** A vendored CommonJS package and an ES-module package with a scope and an exports map. */
const VENDORED_FILES = [
  [
    "node_modules/tiny-pad/package.json",
    '{"name": "tiny-pad", "version": "1.0.0", "main": "pad.js"}',
  ],
  [
    "node_modules/tiny-pad/pad.js",
    'module.exports = (s, n) => String(s).padStart(n, "*");\n',
  ],
  [
    "node_modules/@acme/greet/package.json",
    '{"name": "@acme/greet", "version": "2.0.0", "type": "module", "exports": {".": "./lib/greet.js"}}',
  ],
  ["node_modules/@acme/greet/lib/greet.js", "export const greet = (n) => `hi ${n}`;\n"],
];

const USES_NPM_TS = `
import pad from "tiny-pad";
import { greet } from "@acme/greet";
import padAgain from "npm:tiny-pad";
import { basename } from "node:path";
export default (params: { s: string }) => ({
  padded: pad(params.s, 6),
  greeting: greet(params.s),
  same: pad === padAgain,
  file: basename(import.meta.url),
});
`;

/** TypeScript that a type check would refuse: the runtime strips types and does not check. */
const UNTYPED_TS = `
enum Colour { Red = "red", Green = "green" }
const n: number = "not a number" as unknown as string as any;
export default (): Colour => (n === "not a number" ? Colour.Green : Colour.Red);
`;

testRuntime("deno2", "hello.ts", [
  file("hello.ts", helloTs),
  file("slow_load.ts", `${LOAD_FOR_HALF_A_SECOND}export default () => 1;\n`),
  file("starter.ts", starterCode("deno2")),
  file("lib/chatty.ts", CHATTY_TS),
  file("streams.ts", STREAMS_TS),
  file("probe.ts", PROBE_TS),
  file("uses_npm.ts", USES_NPM_TS),
  file("untyped.ts", UNTYPED_TS),
  ...VENDORED_FILES.map(([path, text]) => file(path, text)),
  file("throws.ts", 'export default () => { throw new Error("boom"); };\n'),
  file("rejects.js", 'export default async () => { throw new TypeError("nope"); };\n'),
  file("notfn.ts", "export default 42;\n"),
  file("unvendored.ts", 'import x from "not-vendored";\nexport default () => x;\n'),
  file("named.mjs", "export const handler = (p, ctx) => ({ p, ctx });\n"),
  file(
    "values.mts",
    "export default (p: { kind?: string }) => (p.kind === 'big' ? 10n : undefined);\n",
  ),
  file(
    "stray.ts",
    'export default () => { setTimeout(() => { throw new Error("late"); }, 5);' +
      ' Promise.reject(new Error("unawaited")); return 1; };\n',
  ),
  file(
    "spin.ts",
    "export default (p: { ms: number }) => { const end = Date.now() + p.ms;" +
      " while (Date.now() < end); return 'spun'; };\n",
  ),
  file("exits.ts", "export default (p: { code: number }) => Deno.exit(p.code);\n"),
], async (ex, t) => {
  await t.step(
    "a module's first load is not counted as the handler's run",
    () => checkLoadNotCounted(ex, "slow_load.ts"),
  );
  await t.step("invoke awaits the default export and captures its output", async () => {
    let r = await ex.invoke("hello.ts", { name: "Ann" });
    assert.equal(r.status, 200);
    const { Duration, ...reply } = r.body;
    assert.deepEqual(reply, {
      Success: true,
      Result: '"Hello, Ann!"',
      Output: "Saying hello to Ann\n",
      Error: "",
    });
    assert.equal(typeof Duration, "number", "seconds the handler ran");
    r = await ex.invoke("hello.ts", {}, false);
    assert.equal(r.body.Result, '"Hello, World!"');
    assert.equal(r.body.Output, "");
    r = await ex.invoke("named.mjs", { a: 1 }, false, { ReqId: "r1" });
    assert.deepEqual(JSON.parse(r.body.Result), { p: { a: 1 }, ctx: { ReqId: "r1" } });
    r = await ex.invoke("starter.ts", { name: "editor" });
    assert.equal(r.body.Result, '"Hello, editor!"', "the dashboard's starter code runs");
    assert.equal(r.body.Output, "Saying hello to editor\n");
    r = await ex.invoke("untyped.ts");
    assert.equal(r.body.Success, true, r.body.Error);
    assert.equal(r.body.Result, '"green"');
  });

  await t.step("the console and the standard streams all go to Output", async () => {
    const r = await ex.invoke("streams.ts");
    assert.equal(r.body.Success, true, r.body.Error);
    assert.equal(
      r.body.Output,
      "log { a: [ 1, 2 ] }\nerror 7\ninfo\nwarn\nprocess out\nprocess err\ndeno out\n",
    );
  });

  await t.step("npm packages vendored in node_modules of the code are imported", async () => {
    const r = await ex.invoke("uses_npm.ts", { s: "ab" });
    assert.equal(r.body.Success, true, r.body.Error);
    assert.deepEqual(JSON.parse(r.body.Result), {
      padded: "****ab",
      greeting: "hi ab",
      same: true,
      file: "uses_npm.ts",
    });
  });

  await t.step("function code has only its permissions", async () => {
    const r = await ex.invoke("probe.ts");
    assert.equal(r.body.Success, true, r.body.Error);
    const probe = JSON.parse(r.body.Result);
    const denied = (access: string, path: string) =>
      new RegExp(`^(NotCapable|TypeError): Requires ${access} access to "${path}"`);
    assert.match(probe.readExecutor, denied("read", "/executor/executor.ts"));
    assert.match(probe.importExecutor, denied("read", "/executor/executor.ts"));
    assert.match(probe.readPasswd, denied("read", "/etc/passwd"));
    assert.match(probe.readEnviron, denied("read", "/proc/self/environ"));
    assert.match(probe.writeCode, denied("write", "/app/probe.ts"));
    assert.match(probe.writeVarTmp, denied("write", "/var/tmp/x"));
    assert.match(probe.run, /^NotCapable: Requires run access/);
    assert.match(probe.ffi, /^NotCapable: Requires ffi access/);
    assert.match(probe.socket, /^NotCapable: Requires (read|write) access/);
    assert.match(probe.remoteImport, /^(NotCapable|TypeError): Requires import access/);
    assert.match(probe.networkInterfaces, /^NotCapable: Requires sys access/);
    assert.equal(probe.hostname, "allowed");
    assert.deepEqual(probe.executorEnv, [], "the executor's variables are not in the environment");
    assert.equal(probe.ownCode, true, "the function reads its own code");
    assert.equal(probe.tmp, "scratch", "and writes /tmp");
    assert.deepEqual(probe.requested, ["denied", "denied", "denied"], "asking grants nothing");
    assert.deepEqual(probe.permissions, {
      net: "granted",
      env: "granted",
      run: "prompt", // not granted, and no prompt can grant it (as asked above)
      ffi: "prompt",
      import: "prompt",
    });
  });

  await t.step("results: undefined and non-JSON values", () => checkOddResults(ex, "values.mts"));

  await t.step("throws and rejections fail with the stack", () => checkThrows(ex, "throws.ts"));

  await t.step("missing or invalid handlers fail clearly", async () => {
    let r = await ex.invoke("nope.ts");
    assert.equal(r.body.Success, false);
    assert.equal(r.body.Error, 'Handler "nope.ts" not found: cannot find module "/app/nope.ts"');
    r = await ex.invoke("notfn.ts");
    assert.match(r.body.Error, /^Handler "notfn\.ts" is not a function/);
    r = await ex.invoke("unvendored.ts");
    assert.equal(r.body.Success, false);
    assert.match(r.body.Error, /not-vendored/);
    r = await ex.invoke("../etc/passwd");
    assert.match(r.body.Error, /is invalid/);
    r = await ex.call("POST", "/invoke", { Handler: "hello.ts", Params: "x" });
    assert.equal(r.status, 400);
  });

  await t.step("an error thrown later by function code does not kill the executor", async () => {
    const r = await ex.invoke("stray.ts");
    assert.equal(r.body.Result, "1");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await ex.invoke("hello.ts")).body.Success, true);
  });

  await t.step("the executor answers while function code is busy", async () => {
    const spinning = ex.invoke("spin.ts", { ms: 1500 });
    let spun = false;
    spinning.then(() => spun = true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await ex.call("GET", "/health")).status, 200);
    assert.equal(spun, false, "health answered before the busy invocation ended");
    assert.equal((await spinning).body.Result, '"spun"');
  });

  await t.step(
    "concurrent invocations each get only their own output",
    () => checkConcurrentOutput(ex, "lib/chatty.ts"),
  );

  await t.step(
    "pipelined invocations on one connection run one after the other",
    () => checkPipelinedInTurn(ex, "lib/chatty.ts"),
  );

  await t.step("Deno.exit in function code ends the container with its code", async () => {
    await assert.rejects(ex.invoke("exits.ts", { code: 3 }));
    const deadline = Date.now() + 10_000;
    let state = "";
    while (Date.now() < deadline) {
      state = await docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", ex.id);
      if (state.startsWith("exited")) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(state, "exited 3");
  });
});
