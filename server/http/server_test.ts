// The HTTP front against real sockets on 127.0.0.1: framing, keep-alive, limits, the body
// budget, deadlines on slow clients, streamed answers and shutdown.
import assert from "node:assert/strict";
import { HttpError } from "../errors.ts";
import { sleep } from "../timing/sleep.ts";
import { encodedJson, jsonResponse, streamedResponse } from "./response.ts";
import {
  type FastLane,
  type HttpHandler,
  type HttpServer,
  type HttpServerOptions,
  serveHttp,
} from "./server.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads a body and answers its length and first chunk's size, or the error it failed with. */
const echo: HttpHandler = async (request) => {
  if (request.method !== "POST") return Response.json({ path: new URL(request.url).pathname });
  const reader = request.body!.getReader();
  const sizes: number[] = [];
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      sizes.push(read.value.length);
    }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return Response.json({ Error: error.message }, {
      status: error.status,
      headers: error.headers,
    });
  }
  return Response.json({ length: sizes.reduce((a, b) => a + b, 0), sizes });
};

/** A front on a free port with 1 s deadlines (tests of deadlines set their own). */
function serve(
  handler: HttpHandler,
  options: Partial<HttpServerOptions> = {},
  lane?: FastLane,
): HttpServer {
  return serveHttp(
    {
      hostname: "127.0.0.1",
      port: 0,
      limitBytes: 1 << 20,
      budgetBytes: 1 << 24,
      headerTimeoutMs: 1000,
      idleTimeoutMs: 1000,
      bodyTimeoutMs: 5000,
      ...options,
    },
    handler,
    lane,
  );
}

/** A raw client connection. */
class Client {
  readonly conn: Deno.TcpConn;
  #received = new Uint8Array(0);

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  static async open(server: HttpServer): Promise<Client> {
    return new Client(await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
  }

  async send(text: string | Uint8Array): Promise<void> {
    await this.conn.write(typeof text === "string" ? encoder.encode(text) : text);
  }

  /** The next answer: status, lower-case headers and body (by Content-Length or chunked). */
  async answer(): Promise<{ status: number; headers: Map<string, string>; body: string }> {
    const end = await this.#until((bytes) => indexOf(bytes, "\r\n\r\n"));
    const head = decoder.decode(this.#take(end + 4)).split("\r\n");
    const status = Number(head[0].split(" ")[1]);
    const headers = new Map(
      head.slice(1).filter(Boolean).map((l) => {
        const colon = l.indexOf(":");
        return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()] as [string, string];
      }),
    );
    if (status === 100) return { status, headers, body: "" };
    let body = "";
    if (headers.get("transfer-encoding") === "chunked") {
      for (;;) {
        const line = await this.#until((bytes) => indexOf(bytes, "\r\n"));
        const size = parseInt(decoder.decode(this.#take(line + 2)), 16);
        await this.#until((bytes) => bytes.length >= size + 2 ? size : -1);
        body += decoder.decode(this.#take(size + 2)).slice(0, size);
        if (size === 0) break;
      }
    } else {
      const length = Number(headers.get("content-length") ?? 0);
      await this.#until((bytes) => bytes.length >= length ? length : -1);
      body = decoder.decode(this.#take(length));
    }
    return { status, headers, body };
  }

  /** Whether the server closes the connection (end of stream or reset) within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const buffer = new Uint8Array(4096);
    while (Date.now() < deadline) {
      const read = this.conn.read(buffer).catch(() => null);
      const n = await Promise.race([read, sleep(deadline - Date.now()).then(() => -1)]);
      if (n === null) return true;
      if (n === -1) return false;
    }
    return false;
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // closed already
    }
  }

  async #until(found: (bytes: Uint8Array) => number): Promise<number> {
    const buffer = new Uint8Array(65536);
    for (;;) {
      const at = found(this.#received);
      if (at !== -1) return at;
      const n = await this.conn.read(buffer);
      if (n === null) throw new Error("The server closed the connection");
      const grown = new Uint8Array(this.#received.length + n);
      grown.set(this.#received);
      grown.set(buffer.subarray(0, n), this.#received.length);
      this.#received = grown;
    }
  }

  #take(n: number): Uint8Array {
    const taken = this.#received.slice(0, n);
    this.#received = this.#received.slice(n);
    return taken;
  }
}

function indexOf(bytes: Uint8Array, text: string): number {
  return decoder.decode(bytes).indexOf(text);
}

const post = (path: string, body: string, extra = "") =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

Deno.test("requests on one connection, pipelined too, are answered in order", async () => {
  const server = serve(echo);
  const client = await Client.open(server);
  try {
    await client.send(
      "GET /a HTTP/1.1\r\nHost: test\r\n\r\n" + post("/b", "hello") +
        "GET /c?x=1 HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    assert.deepEqual(JSON.parse((await client.answer()).body), { path: "/a" });
    assert.deepEqual(JSON.parse((await client.answer()).body), { length: 5, sizes: [5] });
    const third = await client.answer();
    assert.deepEqual(JSON.parse(third.body), { path: "/c" });
    assert.equal(third.headers.get("connection"), undefined, "kept alive");
    assert.ok(third.headers.get("date"));
    await client.send("GET /d HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    const last = await client.answer();
    assert.equal(last.headers.get("connection"), "close");
    assert.equal(await client.closedWithin(5000), true);
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("a prepared JSON answer goes out whole, with the headers and status set after it", async () => {
  const server = serve((request) => {
    const answer = jsonResponse({ Result: "é ✓", path: new URL(request.url).pathname }, 500);
    answer.headers.set("x-added", "later");
    return answer;
  });
  const client = await Client.open(server);
  try {
    await client.send(
      "GET /a HTTP/1.1\r\nHost: test\r\n\r\nHEAD /b HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    const got = await client.answer();
    assert.equal(got.status, 500);
    assert.equal(got.headers.get("content-type"), "application/json");
    assert.equal(got.headers.get("x-added"), "later");
    const expected = JSON.stringify({ Result: "é ✓", path: "/a" });
    assert.equal(Number(got.headers.get("content-length")), encoder.encode(expected).length);
    assert.equal(got.body, expected);
    await client.send("GET /c HTTP/1.1\r\nHost: test\r\n\r\n");
    const afterHead = await client.answer();
    assert.equal(afterHead.body, "", "HEAD answers carry no body");
    assert.equal(JSON.parse((await client.answer()).body).path, "/c");
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("the request carries method, URL from Host, headers and a chunked body", async () => {
  let seen: Request | undefined;
  const server = serve(async (request) => {
    seen = request;
    return new Response(await request.text(), { headers: { "x-echo": "1" } });
  });
  const client = await Client.open(server);
  try {
    await client.send(
      "POST /p?q=1 HTTP/1.1\r\nHost: node.example:1323\r\nX-Thing:  a b \r\n" +
        "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n",
    );
    const answer = await client.answer();
    assert.equal(answer.status, 200);
    assert.equal(answer.body, "hello, world");
    assert.equal(answer.headers.get("x-echo"), "1");
    assert.equal(answer.headers.get("content-length"), "12");
    assert.equal(seen?.url, "http://node.example:1323/p?q=1");
    assert.equal(seen?.headers.get("x-thing"), "a b");
    await client.send("HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n");
    const head = await client.answer();
    assert.equal(head.status, 200);
    assert.equal(head.body, "", "a HEAD answer has no body");
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("malformed or ambiguous heads get a 400 or 431 that says why, and are closed", async () => {
  const server = serve(echo);
  const cases: [string, number, RegExp][] = [
    ["GET /x\r\nHost: a\r\n\r\n", 400, /Request line "GET \/x" is malformed/],
    ["GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400, /is not a path/],
    ["GET / HTTP/1.1\r\n\r\n", 400, /no Host header/],
    ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, /more than one Host/],
    [
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      400,
      /both Content-Length and Transfer-Encoding/,
    ],
    ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\n", 400, /is not one number/],
    ["POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400, /not supported/],
    ["GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi", 400, /may not carry a body/],
    ["GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, /is malformed/],
    ["GET / HTTP/1.1\r\nHost: a:b:c\r\n\r\n", 400, /is not a host name/],
    ["GET / HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n", 400, /"X Y: 1" is malformed/],
    ["GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, /"Host : a" is malformed/],
    ["GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\u0000\r\n\r\n", 400, /NUL, CR or LF in its value/],
    ["GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n", 400, /NUL, CR or LF in its value/],
    [
      `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"x".repeat(70_000)}\r\n\r\n`,
      431,
      /larger than 65536 bytes/,
    ],
  ];
  try {
    for (const [head, status, message] of cases) {
      const client = await Client.open(server);
      try {
        await client.send(head);
        const answer = await client.answer();
        assert.equal(answer.status, status, head.slice(0, 60));
        assert.match(JSON.parse(answer.body).Error, message);
        assert.equal(answer.headers.get("connection"), "close");
        assert.equal(await client.closedWithin(5000), true);
      } finally {
        client.close();
      }
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("a declared body over the limit gets 413 before any of it is read", async () => {
  let calls = 0;
  const server = serve((request, info) => {
    calls++;
    return echo(request, info);
  }, { limitBytes: 1000 });
  const client = await Client.open(server);
  try {
    // Only the head is sent: the answer comes without the body.
    await client.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 30000000\r\n\r\n");
    const answer = await client.answer();
    assert.equal(answer.status, 413);
    assert.match(JSON.parse(answer.body).Error, /larger than 1000 bytes/);
    assert.equal(calls, 0, "the handler never saw it");
    // A chunked body is counted as it arrives.
    const chunked = await Client.open(server);
    await chunked.send(
      "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" +
        "x".repeat(1000) + "\r\n1\r\nx\r\n0\r\n\r\n",
    );
    const over = await chunked.answer();
    assert.equal(over.status, 413);
    chunked.close();
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("body bytes are passed on as they arrive, never sized from the declared length", async () => {
  const firstChunk = Promise.withResolvers<number>();
  const server = serve(async (request) => {
    const reader = request.body!.getReader();
    firstChunk.resolve((await reader.read()).value!.length);
    await reader.cancel();
    return new Response("ok");
  }, { limitBytes: 1 << 30 });
  const client = await Client.open(server);
  try {
    await client.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 30000000\r\n\r\nx");
    assert.equal(await firstChunk.promise, 1);
    assert.equal((await client.answer()).status, 200);
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("Expect: 100-continue gets 100 when the body is read, 413 when it is too large", async () => {
  const server = serve(echo, { limitBytes: 1000 });
  const client = await Client.open(server);
  try {
    await client.send(
      "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    );
    assert.equal((await client.answer()).status, 100);
    await client.send("hello");
    assert.deepEqual(JSON.parse((await client.answer()).body), { length: 5, sizes: [5] });
    await client.send(
      "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n",
    );
    assert.equal((await client.answer()).status, 413);
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("bodies share the budget by bytes received; over it a body gets 503", async () => {
  const held = Promise.withResolvers<void>();
  const server = serve(async (request, info) => {
    if (request.headers.get("x-holder") === null) return echo(request, info);
    const reader = request.body!.getReader();
    let length = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      length += read.value.length;
      if (length >= 48 * 1024) held.resolve();
    }
    return Response.json({ length });
  }, { budgetBytes: 64 * 1024, limitBytes: 1 << 30 });
  const kib = (n: number) => "x".repeat(n * 1024);
  const holder = await Client.open(server);
  const declarer = await Client.open(server);
  const late = await Client.open(server);
  try {
    // Declaring a large body takes nothing from the budget: only bytes received count.
    await declarer.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000\r\n\r\nx");
    await holder.send(
      `POST /x HTTP/1.1\r\nHost: a\r\nX-Holder: 1\r\nContent-Length: ${60 * 1024}\r\n\r\n`,
    );
    await holder.send(kib(48));
    await held.promise;
    await late.send(post("/x", kib(32)));
    const refused = await late.answer();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "2");
    assert.match(JSON.parse(refused.body).Error, /api\.body\.budget/);
    await holder.send(kib(12));
    assert.equal(JSON.parse((await holder.answer()).body).length, 60 * 1024);
    // The holder's bytes were given back once it was answered.
    const again = await Client.open(server);
    await again.send(post("/x", kib(32)));
    assert.equal(JSON.parse((await again.answer()).body).length, 32 * 1024);
    again.close();
  } finally {
    for (const client of [holder, declarer, late]) client.close();
    await server.shutdown();
  }
});

Deno.test("slow heads are cut off: 408 after a partial head, a silent close when idle", async () => {
  const server = serve(echo, { headerTimeoutMs: 1000 });
  const partial = await Client.open(server);
  const idle = await Client.open(server);
  const others = await Client.open(server);
  try {
    await partial.send("GET /status HTTP/1.1\r\nHost: a\r\nX-Slow: ");
    for (let i = 0; i < 3; i++) {
      await others.send("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal((await others.answer()).status, 200, "others are served meanwhile");
      await sleep(200);
    }
    const answer = await partial.answer();
    assert.equal(answer.status, 408);
    assert.match(JSON.parse(answer.body).Error, /Request head did not arrive within 1 s/);
    assert.equal(await partial.closedWithin(5000), true);
    assert.equal(await idle.closedWithin(5000), true);
  } finally {
    for (const client of [partial, idle, others]) client.close();
    await server.shutdown();
  }
});

Deno.test("stalled and too slow bodies fail the handler's read with 408", async () => {
  const server = serve(echo, { idleTimeoutMs: 1000, bodyTimeoutMs: 2500 });
  const stalled = await Client.open(server);
  let trickle: Client | undefined;
  try {
    await stalled.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789");
    const answer = await stalled.answer();
    assert.equal(answer.status, 408);
    assert.match(JSON.parse(answer.body).Error, /stalled for 1 s \(api\.timeout\.idle\)/);
    assert.equal(await stalled.closedWithin(5000), true);

    trickle = await Client.open(server);
    await trickle.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n");
    let slow: Awaited<ReturnType<Client["answer"]>> | undefined;
    const answered = trickle.answer().then((a) => slow = a);
    for (let i = 0; i < 40 && !slow; i++) {
      await trickle.send("x").catch(() => {}); // one byte a quarter second: never idle
      await sleep(250);
    }
    await answered;
    assert.equal(slow?.status, 408);
    assert.match(
      JSON.parse(slow!.body).Error,
      /did not arrive within 2\.5 s \(api\.timeout\.body\)/,
    );
  } finally {
    stalled.close();
    trickle?.close();
    await server.shutdown();
  }
});

Deno.test("event streams are written chunked as they come; shutdown waits for them", async () => {
  const events = new TransformStream<Uint8Array, Uint8Array>();
  const writer = events.writable.getWriter();
  const server = serve((request) =>
    new URL(request.url).pathname === "/events"
      ? new Response(events.readable, { headers: { "content-type": "text/event-stream" } })
      : new Response("plain")
  );
  const client = await Client.open(server);
  const idle = await Client.open(server);
  try {
    await client.send("GET /events HTTP/1.1\r\nHost: a\r\n\r\n");
    await writer.write(encoder.encode("event: status\ndata: 1\n\n"));
    const buffer = new Uint8Array(4096);
    let seen = "";
    while (!seen.includes("data: 1")) {
      seen += decoder.decode(buffer.subarray(0, (await client.conn.read(buffer)) ?? 0));
    }
    assert.match(seen, /transfer-encoding: chunked/);
    let stopped = false;
    const stopping = server.shutdown().then(() => stopped = true);
    assert.equal(await idle.closedWithin(5000), true, "an idle connection is closed at once");
    await writer.write(encoder.encode("data: 2\n\n"));
    while (!seen.includes("data: 2")) {
      seen += decoder.decode(buffer.subarray(0, (await client.conn.read(buffer)) ?? 0));
    }
    assert.equal(stopped, false, "the stream is still being served");
    await writer.close();
    await stopping;
    assert.equal(await client.closedWithin(5000), true);
  } finally {
    client.close();
    idle.close();
    await server.shutdown();
  }
});

Deno.test("a streamed answer goes out chunked as its bytes come, whatever its type", async () => {
  const relay = new TransformStream<Uint8Array, Uint8Array>();
  const writer = relay.writable.getWriter();
  const server = serve(() =>
    streamedResponse(relay.readable, {
      headers: { "content-type": "application/json", "content-length": "99" },
    })
  );
  const client = await Client.open(server);
  try {
    await client.send("GET /relayed HTTP/1.1\r\nHost: a\r\n\r\n");
    await writer.write(encoder.encode('{"first":'));
    const buffer = new Uint8Array(4096);
    let seen = "";
    while (!seen.includes('{"first":')) {
      seen += decoder.decode(buffer.subarray(0, (await client.conn.read(buffer)) ?? 0));
    }
    assert.match(seen, /transfer-encoding: chunked/);
    assert.doesNotMatch(seen, /content-length/, "the relayed length is not the framing");
    await writer.write(encoder.encode("1}"));
    await writer.close();
    while (!seen.includes("0\r\n\r\n")) {
      seen += decoder.decode(buffer.subarray(0, (await client.conn.read(buffer)) ?? 0));
    }
    assert.match(seen, /2\r\n1}\r\n0\r\n\r\n$/);
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("an HTTP/1.0 client gets its answer and the connection closes", async () => {
  const server = serve(echo);
  const client = await Client.open(server);
  try {
    await client.send("GET /old HTTP/1.0\r\n\r\n");
    const answer = await client.answer();
    assert.equal(answer.status, 200);
    assert.match(answer.body, /"path":"\/old"/);
    assert.equal(answer.headers.get("connection"), "close");
    assert.equal(await client.closedWithin(5000), true);
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("fetch works against the front, also for bodies of several MB", async () => {
  const server = serve(echo, { limitBytes: 64 << 20 });
  try {
    const body = new Uint8Array(5 << 20).fill(120);
    const answer = await fetch(`http://127.0.0.1:${server.addr.port}/up`, { method: "POST", body });
    assert.equal((await answer.json()).length, body.length);
    const streamed = await fetch(`http://127.0.0.1:${server.addr.port}/up`, {
      method: "POST",
      body: new Blob([body]).stream(),
    });
    assert.equal((await streamed.json()).length, body.length);
    // Over the limit, the client gets the 413 although it was still sending.
    const tooLarge = await fetch(`http://127.0.0.1:${server.addr.port}/up`, {
      method: "POST",
      body: new Uint8Array(80 << 20),
    });
    assert.equal(tooLarge.status, 413);
    await tooLarge.body?.cancel();
  } finally {
    await server.shutdown();
  }
});

Deno.test("a fast lane answers what it takes before the handler, which gets what it leaves", async () => {
  const offered: string[] = [];
  const lane: FastLane = ({ head, body }) => {
    offered.push(`${head.target} ${decoder.decode(body)}`);
    if (head.target !== "/lane") return undefined;
    return Promise.resolve(encodedJson({ lane: decoder.decode(body) }, 201));
  };
  const handled: string[] = [];
  const server = serve(
    async (request) => {
      const text = await request.text();
      handled.push(`${new URL(request.url).pathname} ${text}`);
      return Response.json({ handler: text });
    },
    {},
    lane,
  );
  const client = await Client.open(server);
  try {
    await client.send(post("/lane", "one") + post("/other", "two"));
    const laneAnswer = await client.answer();
    assert.deepEqual([laneAnswer.status, laneAnswer.body], [201, '{"lane":"one"}']);
    assert.equal(laneAnswer.headers.get("content-type"), "application/json");
    assert.equal(laneAnswer.headers.get("content-length"), "14");
    assert.ok(laneAnswer.headers.has("date"));
    assert.deepEqual(await client.answer().then((a) => [a.status, a.body]), [
      200,
      '{"handler":"two"}',
    ]);
    // A body still on its way is not offered: the handler reads it as it comes.
    await client.send(post("/lane", "three").slice(0, -2));
    await sleep(100);
    await client.send("ee");
    assert.deepEqual(await client.answer().then((a) => [a.status, a.body]), [
      200,
      '{"handler":"three"}',
    ]);
    assert.deepEqual(offered, ["/lane one", "/other two"]);
    assert.deepEqual(handled, ["/other two", "/lane three"]);
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("a fast lane that fails gets a 500 and the connection goes on", async () => {
  const server = serve(() => Response.json({ handler: true }), {}, () => {
    return Promise.reject(new Error("lane broke"));
  });
  const client = await Client.open(server);
  const logged = console.error;
  console.error = () => {};
  try {
    await client.send(post("/x", "{}") + post("/y", "{}"));
    const first = await client.answer();
    assert.equal(first.status, 500);
    assert.match(JSON.parse(first.body).Error, /Internal error: lane broke/);
    assert.equal((await client.answer()).status, 500);
  } finally {
    console.error = logged;
    client.close();
    await server.shutdown();
  }
});
