/**
 * Hostile clients against a node process on 127.0.0.1, each measured once, every step bounded
 * in time (about two minutes in all):
 *
 * - held bodies: 100 connections declaring `Content-Length: 30000000` and sending 1 byte; the
 *   node's resident memory before and at its peak;
 * - slow heads: 1000 connections sending part of a request head, then nothing; how many the
 *   node still holds after 15 s;
 * - stalled bodies: 20 connections sending 10 bytes of a declared 1000; how many are still
 *   open after 15 s;
 * - warm invokes (concurrency 1) while a 1 MB gzip bomb is created, then while a 27 MiB
 *   function is created: their p50, p99 and maximum;
 * - JSON nested 100,000 deep in `Params`, a `text/plain` create, a foreign `Host` and a
 *   foreign `Origin`: the status each gets.
 *
 * `deno run -A bench/hostile_clients.ts`. Needs Docker and the runtime images. Prints a table;
 * asserts nothing.
 *
 * @module
 */
import { encodeBase64 } from "../protocol/base64.ts";
import { writeTar } from "../protocol/tar_writer.ts";
import { exampleFunction } from "../server/testing/functions.ts";
import { startNodeProcess } from "../server/testing/node_process.ts";
import { postJson } from "../server/testing/post_json.ts";
import { rawRequest } from "../server/testing/raw_http.ts";
import { sleep } from "../server/timing/sleep.ts";

const encoder = new TextEncoder();
const rows: [string, string][] = [];

await using node = await startNodeProcess({ config: { "container.pool.memory": 2048 } });
const { hostname, port } = new URL(node.url);
const host = `${hostname}:${port}`;

/** Resident memory of the node process, MB. */
async function rssMB(): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${node.pid()}/status`);
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** A connection that sent `head` (and maybe more) and is then left alone. */
async function rawConnection(text: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname, port: Number(port) });
  await conn.write(encoder.encode(text));
  return conn;
}

/** How many of `conns` the node closed (EOF or an answer) within `ms`. */
async function closedWithin(conns: Deno.TcpConn[], ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  const closed = await Promise.all(conns.map(async (conn) => {
    const buffer = new Uint8Array(4096);
    const timer = sleep(Math.max(0, deadline - Date.now())).then(() => false);
    const ended = (async () => {
      try {
        while ((await conn.read(buffer)) !== null) { /* an answer: read on to the close */ }
      } catch {
        // reset: closed as well
      }
      return true;
    })();
    return await Promise.race([ended, timer]);
  }));
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }
  return closed.filter(Boolean).length;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await postJson(`${node.url}${path}`, body, headers);
  return { status: response.status, text: await response.text() };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Warm invokes one after the other for as long as `work` runs; their latencies. */
async function invokesDuring(work: () => Promise<{ status: number }>) {
  const latencies: number[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      const t = performance.now();
      await post("/invoke/double", { Params: { a: 2, b: 3 } });
      latencies.push(performance.now() - t);
    }
  })();
  await sleep(200);
  const started = performance.now();
  const { status } = await work();
  const took = performance.now() - started;
  done = true;
  await loop;
  return { status, took, latencies };
}

async function gzip(bytes: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<Uint8Array> {
  const stream = bytes.pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A tar holding `hello.py` of 1 GiB of zeros, gzipped (about 1 MB). */
async function gzipBomb(): Promise<Uint8Array> {
  const size = 1 << 30;
  const header = writeTar([{ name: "hello.py", data: new Uint8Array(0) }]).subarray(0, 512);
  const sized = header.slice();
  sized.set(encoder.encode(size.toString(8).padStart(11, "0") + "\0"), 124);
  sized.fill(0x20, 148, 156);
  const sum = sized.reduce((a, b) => a + b, 0);
  sized.set(encoder.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  let sent = 0;
  const zeros = new Uint8Array(1 << 20);
  return await gzip(
    new ReadableStream<Uint8Array<ArrayBuffer>>({
      start: (controller) => controller.enqueue(sized),
      pull(controller) {
        if (sent >= size) return controller.close();
        controller.enqueue(zeros);
        sent += zeros.length;
      },
    }),
  );
}

// Warm up one container of a small function.
const double = await exampleFunction("double", "double.py", { MemoryMB: 64 });
console.log("create double:", (await post("/create", double)).status);
for (let i = 0; i < 50; i++) await post("/invoke/double", { Params: { a: 1 } });
const idle = await rssMB();
rows.push(["idle RSS", `${idle} MB`]);

// Held bodies.
{
  const conns = await Promise.all(Array.from({ length: 100 }, () =>
    rawConnection(
      `POST /create HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 30000000\r\n\r\n{`,
    )));
  let peak = 0;
  for (let i = 0; i < 30; i++) {
    peak = Math.max(peak, await rssMB());
    await sleep(100);
  }
  rows.push(["RSS, 100 bodies of 30 MB declared, 1 B sent", `${idle} → ${peak} MB`]);
  for (const conn of conns) conn.close();
  await sleep(500);
}

// Slow heads and stalled bodies, at the same time.
{
  const heads: Deno.TcpConn[] = [];
  for (let i = 0; i < 1000; i++) {
    heads.push(await rawConnection(`GET /status HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `));
  }
  const bodies = await Promise.all(Array.from({ length: 20 }, () =>
    rawConnection(
      `POST /invoke/double HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 1000\r\n\r\n{"Params":`,
    )));
  const status = await fetch(`${node.url}/status`);
  await status.body?.cancel();
  rows.push(["/status while 1000 heads are held", String(status.status)]);
  const [closedHeads, closedBodies] = await Promise.all([
    closedWithin(heads, 15_000),
    closedWithin(bodies, 15_000),
  ]);
  rows.push(["slow heads still held after 15 s", `${1000 - closedHeads} of 1000`]);
  rows.push(["stalled bodies still open after 15 s", `${20 - closedBodies} of 20`]);
}

// Warm invokes while code is checked.
{
  const bomb = encodeBase64(await gzipBomb());
  const during = await invokesDuring(() =>
    post("/create", { ...double, Name: "bomb", TarFunctionCode: bomb })
  );
  rows.push([
    `warm invoke p50 / p99 / max during a ${(bomb.length / 1e6).toFixed(1)} MB bomb create`,
    `${percentile(during.latencies, 50).toFixed(2)} / ${
      percentile(during.latencies, 99).toFixed(2)
    } / ${Math.max(...during.latencies).toFixed(1)} ms (create: ${during.status}, ${
      Math.round(during.took)
    } ms)`,
  ]);
}
{
  const random = new Uint8Array(20 * 1024 * 1024);
  for (let i = 0; i < random.length; i += 65536) {
    crypto.getRandomValues(random.subarray(i, i + 65536));
  }
  const code = encodeBase64(writeTar([
    {
      name: "double.py",
      data: await Deno.readFile(new URL("../examples/double.py", import.meta.url)),
    },
    { name: "blob.bin", data: random },
  ]));
  const body = JSON.stringify({ ...double, Name: "big", TarFunctionCode: code });
  const during = await invokesDuring(() => post("/create", body));
  rows.push([
    `warm invoke p50 / p99 / max during a ${(body.length / 2 ** 20).toFixed(1)} MiB create`,
    `${percentile(during.latencies, 50).toFixed(2)} / ${
      percentile(during.latencies, 99).toFixed(2)
    } / ${Math.max(...during.latencies).toFixed(1)} ms (create: ${during.status}, ${
      Math.round(during.took)
    } ms)`,
  ]);
  await post("/delete", { Name: "big" });
}

// Bad input and browsers.
{
  const deep = `{"Params": {"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
  const answer = await post("/invoke/double", deep);
  rows.push(["JSON nested 100,000 deep in Params", `${answer.status} ${answer.text.slice(0, 90)}`]);
  const plain = await post("/create", { ...double, Name: "plain" }, {
    "content-type": "text/plain",
  });
  rows.push(["create sent as text/plain", `${plain.status} ${plain.text.slice(0, 90)}`]);
  const rebound = await rawRequest(
    node.url,
    `GET /function HTTP/1.1\r\nHost: rebind.example:${port}\r\nConnection: close\r\n\r\n`,
  );
  rows.push(["GET /function with Host rebind.example", `${rebound.status} ${rebound.body}`]);
  const foreign = await post("/invoke/double", {}, { origin: "http://evil.example" });
  rows.push([
    "invoke with Origin http://evil.example",
    `${foreign.status} ${foreign.text.slice(0, 90)}`,
  ]);
}

const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
