// The HTTP/1.1 client against real servers the tests start, on a Unix socket and on
// 127.0.0.1: each server answers with the bytes a test scripts, so that framing, reuse, closed
// connections, aborts and limits can be driven exactly.
import assert from "node:assert/strict";
import { join } from "node:path";
import { indexOfHeadEnd } from "./bytes.ts";
import { type HttpAddress, HttpClient, HttpClientError, type HttpClientFailure } from "./client.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A request as the scripted server received it. */
interface Received {
  head: string;
  body: string;
  /** Which connection (0, 1, …) it came on. */
  connection: number;
}

/** What the server does with a request: send bytes (then go on, or close), or hang. */
type Answer = string | { send?: string; close: true } | "hang";

/** A server answering each request as `answer` says; it records what it received. */
class ScriptedServer {
  readonly received: Received[] = [];
  readonly address: HttpAddress;
  /** Connections accepted, and how many of them the client closed. */
  accepted = 0;
  endedByClient = 0;
  /** Bytes received so far, on every connection. */
  bytesIn = 0;
  readonly #listener: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  readonly #served: Promise<void>;
  readonly #dir?: string;

  constructor(
    transport: "unix" | "tcp",
    readonly answer: (r: Received) => Answer | Promise<Answer>,
  ) {
    if (transport === "unix") {
      this.#dir = Deno.makeTempDirSync({ prefix: "client-test-" });
      const path = join(this.#dir, "s.sock");
      this.#listener = Deno.listen({ transport: "unix", path });
      this.address = { transport: "unix", path };
    } else {
      this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (this.#listener.addr as Deno.NetAddr).port;
      this.address = { transport: "tcp", hostname: "127.0.0.1", port };
    }
    this.#served = this.#accept();
  }

  async #accept(): Promise<void> {
    const connections: Promise<void>[] = [];
    try {
      for await (const conn of this.#listener) {
        this.#conns.add(conn);
        connections.push(this.#serve(conn, this.accepted++));
      }
    } catch {
      // closed
    }
    await Promise.all(connections);
  }

  async #serve(conn: Deno.Conn, connection: number): Promise<void> {
    // A reader takes in bytes as they come (counted in `bytesIn`), whether or not a request
    // is being answered; `read` waits for more of them, false once the client closed.
    let buffered = new Uint8Array(0);
    let ended = false;
    let wake = () => {};
    const reader = (async () => {
      const chunk = new Uint8Array(64 * 1024);
      while (true) {
        const n = await conn.read(chunk).catch(() => null);
        if (n === null) break;
        this.bytesIn += n;
        const joined = new Uint8Array(buffered.length + n);
        joined.set(buffered);
        joined.set(chunk.subarray(0, n), buffered.length);
        buffered = joined;
        wake();
      }
      ended = true;
      wake();
    })();
    const read = async () => {
      const had = buffered.length;
      while (buffered.length === had && !ended) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      return buffered.length > had;
    };
    try {
      while (true) {
        let end: number;
        while ((end = indexOfHeadEnd(buffered, 0)) < 0) {
          if (!await read()) {
            this.endedByClient++;
            return;
          }
        }
        const head = decoder.decode(buffered.subarray(0, end));
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        while (buffered.length < end + 4 + length) await read();
        const body = decoder.decode(buffered.subarray(end + 4, end + 4 + length));
        buffered = buffered.slice(end + 4 + length);
        const request = { head, body, connection };
        this.received.push(request);
        const answer = await this.answer(request);
        if (answer === "hang") {
          if (!await read()) this.endedByClient++;
          return;
        }
        const bytes = typeof answer === "string" ? answer : answer.send ?? "";
        const out = encoder.encode(bytes);
        for (let written = 0; written < out.length;) {
          written += await conn.write(out.subarray(written));
        }
        if (typeof answer !== "string") return;
      }
    } catch {
      // the client went away
    } finally {
      this.#conns.delete(conn);
      try {
        conn.close();
      } catch {
        // closed already
      }
      await reader;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) conn.close();
    await this.#served;
    if (this.#dir) await Deno.remove(this.#dir, { recursive: true });
  }
}

/** An answer with a `Content-Length` body. */
function ok(body: string, extra = ""): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}` +
    `Content-Length: ${encoder.encode(body).length}\r\n\r\n${body}`;
}

async function rejectsWith(
  request: Promise<unknown>,
  failure: HttpClientFailure,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(request, (error) => {
    assert.ok(error instanceof HttpClientError, String(error));
    assert.equal(error.failure, failure, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Waits (bounded) until `done` holds; the condition is an event, not a speed. */
async function eventually(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), what);
}

const get = { method: "GET", path: "/health" };
const post = (body: string) => ({
  method: "POST",
  path: "/invoke",
  body: encoder.encode(body),
  contentType: "application/json",
});

for (const transport of ["unix", "tcp"] as const) {
  Deno.test(`over ${transport}: a request in one write, a Content-Length answer`, async () => {
    await using server = new ScriptedServer(
      transport,
      () => ok('{"Success":true}', "X-A:  b \r\n"),
    );
    using client = new HttpClient(server.address);
    const answer = await client.request(post('{"Handler":"h"}'));
    assert.equal(answer.status, 200);
    assert.equal(decoder.decode(answer.body), '{"Success":true}');
    assert.deepEqual(answer.headers[1], ["x-a", "b"]);
    const { address } = server;
    const host = address.transport === "unix" ? "localhost" : `127.0.0.1:${address.port}`;
    assert.equal(
      server.received[0].head,
      `POST /invoke HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        "Content-Length: 15",
    );
    assert.equal(server.received[0].body, '{"Handler":"h"}');
    assert.equal(
      client.label,
      address.transport === "unix" ? `unix:${address.path}` : `http://${host}`,
    );
  });
}

Deno.test("a chunked answer is de-chunked, extensions and trailers skipped", async () => {
  const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  await using server = new ScriptedServer("tcp", () => chunked);
  using client = new HttpClient(server.address);
  for (let i = 0; i < 2; i++) {
    assert.equal(decoder.decode((await client.request(get)).body), "hello, world");
  }
  assert.equal(server.accepted, 1, "the connection was kept after a chunked answer");
});

Deno.test("a 204 answer has no body; an empty Content-Length body is empty", async () => {
  let n = 0;
  await using server = new ScriptedServer(
    "unix",
    () => n++ === 0 ? "HTTP/1.1 204 No Content\r\n\r\n" : ok(""),
  );
  using client = new HttpClient(server.address);
  const first = await client.request(get);
  assert.deepEqual([first.status, first.body.length], [204, 0]);
  const second = await client.request(get);
  assert.deepEqual([second.status, second.body.length], [200, 0]);
  assert.equal(server.accepted, 1);
});

Deno.test("connections are reused: one per concurrent request, idle ones kept", async () => {
  await using server = new ScriptedServer("unix", () => ok("{}"));
  using client = new HttpClient(server.address);
  for (let i = 0; i < 5; i++) await client.request(get);
  assert.equal(server.accepted, 1, "sequential requests share one connection");
  await Promise.all([1, 2, 3].map(() => client.request(get)));
  assert.equal(server.accepted, 3, "three at once need three connections");
  assert.equal(client.openConnections, 3);
  await Promise.all([1, 2, 3].map(() => client.request(get)));
  assert.equal(server.accepted, 3, "and the three are reused");
  assert.deepEqual(
    [...new Set(server.received.slice(0, 5).map((r) => r.connection))],
    [0],
  );
  client.close();
  await eventually(() => server.endedByClient === 3, "close() closes every connection");
});

Deno.test("at most maxIdle connections are kept", async () => {
  await using server = new ScriptedServer("tcp", () => ok("{}"));
  using client = new HttpClient(server.address, { maxIdle: 1 });
  await Promise.all([1, 2, 3].map(() => client.request(get)));
  assert.equal(client.openConnections, 1);
  await eventually(() => server.endedByClient === 2, "the two others are closed");
});

Deno.test("a server's Connection: close, or its HTTP/1.0, ends the connection", async () => {
  let n = 0;
  await using server = new ScriptedServer(
    "tcp",
    () =>
      n++ === 0
        ? { send: ok("{}", "Connection: close\r\n"), close: true }
        : "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
  );
  using client = new HttpClient(server.address);
  await client.request(get);
  assert.equal(client.openConnections, 0);
  await client.request(get);
  assert.equal(client.openConnections, 0);
  await client.request(get);
  assert.equal(server.accepted, 3);
});

Deno.test("an idle connection the server closed is dropped, and the next request succeeds", async () => {
  await using server = new ScriptedServer("unix", () => ({ send: ok("{}"), close: true }));
  using client = new HttpClient(server.address);
  await client.request(get);
  await eventually(() => client.openConnections === 0, "the closed connection is dropped");
  assert.equal((await client.request(get)).status, 200);
  assert.equal(server.accepted, 2);
});

Deno.test("an idle connection that receives bytes nobody asked for is dropped", async () => {
  await using server = new ScriptedServer("tcp", () => ok("{}") + "HTTP/1.1 200 OK\r\n");
  using client = new HttpClient(server.address);
  await client.request(get);
  assert.equal(client.openConnections, 0, "extra bytes after the answer: not reused");
  await client.request(get);
  assert.equal(server.accepted, 2);
});

Deno.test("no server, or one that closes before answering: connect and closed", async () => {
  const dir = await Deno.makeTempDir();
  const nobody = new HttpClient({ transport: "unix", path: join(dir, "none.sock") });
  await rejectsWith(nobody.request(get), "connect", /Could not connect to unix:/);
  await Deno.remove(dir, { recursive: true });

  await using server = new ScriptedServer("tcp", () => ({ send: "HTTP/1.1 200", close: true }));
  using client = new HttpClient(server.address);
  await rejectsWith(client.request(get), "closed");
  assert.equal(client.openConnections, 0);
  client.close();
  await rejectsWith(client.request(get), "connect", /closed/);
});

Deno.test("an abort closes the connection and fails the request with aborted", async () => {
  await using server = new ScriptedServer("unix", () => "hang");
  using client = new HttpClient(server.address);
  const controller = new AbortController();
  const request = client.request({ ...post("{}"), signal: controller.signal });
  await eventually(() => server.received.length === 1, "the server got the request");
  controller.abort();
  await rejectsWith(request, "aborted");
  await eventually(() => server.endedByClient === 1, "the server sees the connection end");
  assert.equal(client.openConnections, 0);
  await rejectsWith(client.request({ ...get, signal: AbortSignal.abort() }), "aborted");
  assert.equal(server.accepted, 1, "an aborted signal sends nothing");
});

Deno.test("answers that break HTTP/1.1 are protocol failures", async (t) => {
  const broken: [string, string, RegExp][] = [
    ["garbage", "HELLO THERE\r\n\r\n", /not a status line/],
    ["no framing", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhi", /neither/],
    [
      "both framings",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",
      /both/,
    ],
    ["another coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", /not chunked/],
    ["differing lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n{}", /one number/],
    ["a folded header", "HTTP/1.1 200 OK\r\n folded\r\nContent-Length: 0\r\n\r\n", /malformed/],
    ["an interim answer", "HTTP/1.1 100 Continue\r\n\r\n", /Interim/],
    [
      "a bad chunk size",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      /Chunk size/,
    ],
    [
      "a chunk without its CRLF",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}xx",
      /CRLF/,
    ],
  ];
  for (const [what, answer, message] of broken) {
    await t.step(what, async () => {
      await using server = new ScriptedServer("tcp", () => ({ send: answer, close: true }));
      using client = new HttpClient(server.address);
      await rejectsWith(client.request(get), "protocol", message);
      assert.equal(client.openConnections, 0);
    });
  }
  await t.step("a body cut short", async () => {
    const cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}";
    await using server = new ScriptedServer("unix", () => ({ send: cut, close: true }));
    using client = new HttpClient(server.address);
    await rejectsWith(client.request(get), "protocol", /cut short/);
  });
});

Deno.test("answers over the limits are protocol failures", async (t) => {
  const limits = { maxHeadBytes: 256, maxBodyBytes: 16 };
  const cases: [string, string, RegExp][] = [
    ["a long head", `HTTP/1.1 200 OK\r\nX: ${"a".repeat(300)}\r\n\r\n`, /head exceeds 256/],
    ["a long body", ok("x".repeat(17)), /body exceeds 16/],
    [
      "a long chunked body",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n123456789\r\n9\r\n123456789\r\n0\r\n\r\n",
      /body exceeds 16/,
    ],
  ];
  for (const [what, answer, message] of cases) {
    await t.step(what, async () => {
      await using server = new ScriptedServer("tcp", () => ({ send: answer, close: true }));
      using client = new HttpClient(server.address, limits);
      await rejectsWith(client.request(get), "protocol", message);
    });
  }
  await t.step("a body of exactly the limit", async () => {
    await using server = new ScriptedServer("tcp", () => ok("x".repeat(16)));
    using client = new HttpClient(server.address, limits);
    assert.equal((await client.request(get)).body.length, 16);
  });
});

Deno.test("a large body arrives whole over several reads", async () => {
  const big = "y".repeat(3 * 1024 * 1024 + 7);
  await using server = new ScriptedServer("unix", (r) => ok(r.body.length > 0 ? r.body : big));
  using client = new HttpClient(server.address);
  assert.equal(decoder.decode((await client.request(get)).body), big);
  const sent = "z".repeat(1024 * 1024);
  assert.equal(decoder.decode((await client.request(post(sent))).body), sent);
});

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => open = resolve);
  return { opened, open };
}

/**
 * A client of `server` with one idle connection, opened by a first request (whose answer the
 * server scripts for a `GET`): a request can only be pipelined behind one that has its
 * connection.
 */
async function connected(server: ScriptedServer): Promise<HttpClient> {
  const client = new HttpClient(server.address);
  await client.request(get);
  return client;
}

/** Bytes of `post(body)` as the client sends it to `server`, and of the first `GET`. */
function postBytes(server: ScriptedServer, body: string): number {
  const { address } = server;
  const host = address.transport === "unix" ? "localhost" : `127.0.0.1:${address.port}`;
  return encoder.encode(
    `POST /invoke HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  ).length;
}

Deno.test("pipelining: a request is written behind the one under way and answered after it", async () => {
  const first = gate();
  await using server = new ScriptedServer("unix", async (r) => {
    if (r.body === "one") await first.opened;
    return ok(`{"echo":"${r.body}"}`);
  });
  using client = await connected(server);
  const one = client.request(post("one"));
  const two = client.request({ ...post("two"), after: one });
  const both = server.bytesIn + postBytes(server, "one") + postBytes(server, "two");
  await eventually(() => server.bytesIn === both, "both requests reach the server at once");
  assert.equal(server.received.length, 2, "the server has not answered the first yet");
  first.open();
  assert.equal(decoder.decode((await one).body), '{"echo":"one"}');
  assert.equal(decoder.decode((await two).body), '{"echo":"two"}');
  assert.equal(server.accepted, 1, "on one connection");
  assert.equal(client.openConnections, 1);
  assert.equal(decoder.decode((await client.request(post("three"))).body), '{"echo":"three"}');
  assert.equal(server.accepted, 1, "which is kept for the next request");
});

Deno.test("pipelining: with no request under way, a request waits for `after`, then goes", async () => {
  await using server = new ScriptedServer("tcp", (r) => ok(`"${r.body}"`));
  using client = new HttpClient(server.address);
  const before = gate();
  const answer = client.request({ ...post("late"), after: before.opened });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(server.bytesIn, 0, "nothing was sent before `after` settled");
  before.open();
  assert.equal(decoder.decode((await answer).body), '"late"');
});

Deno.test("pipelining: one request at most waits behind another; the next opens a connection", async () => {
  const first = gate();
  await using server = new ScriptedServer("unix", async (r) => {
    if (r.body === "one") await first.opened;
    return ok(`"${r.body}"`);
  });
  using client = await connected(server);
  const one = client.request(post("one"));
  const two = client.request({ ...post("two"), after: one });
  const three = client.request({ ...post("three"), after: Promise.resolve() });
  assert.equal(decoder.decode((await three).body), '"three"');
  assert.equal(server.accepted, 2, "the third has a connection of its own");
  first.open();
  assert.deepEqual([(await one).status, (await two).status], [200, 200]);
});

Deno.test("pipelining: when the request ahead gets no answer that keeps the connection, the one behind is displaced", async (t) => {
  const cases: [string, Answer, HttpClientFailure | "ok"][] = [
    ["the server closes without answering", { close: true }, "closed"],
    ["the answer closes the connection", {
      send: ok('"bye"', "Connection: close\r\n"),
      close: true,
    }, "ok"],
    ["the answer breaks HTTP", { send: "HTTP/1.1 200 OK\r\n\r\n", close: true }, "protocol"],
  ];
  for (const [what, answer, aheadFails] of cases) {
    await t.step(what, async () => {
      const first = gate();
      await using server = new ScriptedServer("tcp", async (r) => {
        if (r.body !== "one") return ok('"never"');
        await first.opened;
        return answer;
      });
      using client = await connected(server);
      const one = client.request(post("one"));
      const two = client.request({ ...post("two"), after: one.catch(() => {}) });
      const both = server.bytesIn + postBytes(server, "one") + postBytes(server, "two");
      await eventually(() => server.bytesIn === both, "both requests were sent");
      first.open();
      if (aheadFails === "ok") assert.equal((await one).status, 200);
      else await rejectsWith(one, aheadFails);
      await rejectsWith(two, "displaced", /request ahead/);
      assert.equal(server.received.length, 2, "the server never took the second request");
    });
  }
});

Deno.test("pipelining: aborting the request ahead displaces the one behind", async () => {
  await using server = new ScriptedServer("unix", (r) => r.body === "" ? ok("{}") : "hang");
  using client = await connected(server);
  const controller = new AbortController();
  const one = client.request({ ...post("one"), signal: controller.signal });
  const two = client.request({ ...post("two"), after: one.catch(() => {}) });
  await eventually(() => server.received.length === 2, "the first request arrived");
  controller.abort();
  await rejectsWith(one, "aborted");
  await rejectsWith(two, "displaced");
});

Deno.test("pipelining: the signal of a request behind counts from its turn, and leaves the one ahead alone", async () => {
  const first = gate();
  await using server = new ScriptedServer("tcp", async (r) => {
    if (r.body === "one") await first.opened;
    return ok(`"${r.body}"`);
  });
  using client = await connected(server);
  const one = client.request(post("one"));
  const controller = new AbortController();
  const two = client.request({ ...post("two"), after: one, signal: controller.signal });
  await eventually(() => server.received.length === 2, "the first request arrived");
  controller.abort();
  first.open();
  assert.equal(decoder.decode((await one).body), '"one"');
  await rejectsWith(two, "aborted");
});
