import assert from "node:assert/strict";
import { jsonPost, KeepAliveConnection } from "./http_load.ts";

const decoder = new TextDecoder();

/**
 * A raw TCP server on 127.0.0.1 that answers the `n`-th request it reads (counted over all
 * connections) with the parts `answer(n)` gives, 5 ms apart; `null` closes the connection.
 */
function rawServer(answer: (n: number) => Uint8Array[] | null) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const heads: string[] = [];
  let connections = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      connections++;
      (async () => {
        const buffer = new Uint8Array(4096);
        for (let n; (n = await conn.read(buffer)) !== null;) {
          heads.push(decoder.decode(buffer.subarray(0, n)));
          const parts = answer(heads.length);
          if (!parts) break;
          for (const part of parts) {
            await conn.write(part);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
        conn.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    heads,
    connections: () => connections,
    async close() {
      listener.close();
      await serving;
    },
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("jsonPost: a POST head with Host, JSON type and the body's length", () => {
  const text = decoder.decode(jsonPost("http://127.0.0.1:1323/invoke/f?x=1", { a: "é" }));
  assert.equal(
    text,
    "POST /invoke/f?x=1 HTTP/1.1\r\nHost: 127.0.0.1:1323\r\nContent-Type: application/json\r\n" +
      'Content-Length: 10\r\n\r\n{"a":"é"}',
  );
});

Deno.test("KeepAliveConnection: answers on one connection, read however the bytes arrive", async () => {
  const server = rawServer((n) =>
    n === 1 ? [bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")] : [
      bytes("HTTP/1.1 429 Too Many Requests\r\ncontent-length:"),
      bytes(" 3\r\n\r"),
      bytes("\nab"),
      bytes("c"),
    ]
  );
  const connection = new KeepAliveConnection(server.url);
  try {
    const request = jsonPost(`${server.url}/x`, {});
    const first = await connection.send(request);
    assert.deepEqual([first.status, decoder.decode(first.body)], [200, "hello"]);
    const second = await connection.send(request);
    assert.deepEqual([second.status, decoder.decode(second.body)], [429, "abc"]);
    assert.equal(server.connections(), 1);
    assert.match(server.heads[1], /^POST \/x HTTP\/1\.1\r\n/);
  } finally {
    connection.close();
    await server.close();
  }
});

Deno.test("KeepAliveConnection: a body larger than its buffer arrives whole", async () => {
  const large = "x".repeat(100_000);
  const server = rawServer(
    () => [bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${large.length}\r\n\r\n${large}`)],
  );
  const connection = new KeepAliveConnection(server.url);
  try {
    const answer = await connection.send(jsonPost(`${server.url}/`, {}));
    assert.equal(decoder.decode(answer.body), large);
  } finally {
    connection.close();
    await server.close();
  }
});

Deno.test("KeepAliveConnection: after `Connection: close` the next request opens a new connection", async () => {
  const server = rawServer(
    () => [bytes("HTTP/1.1 503 Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")],
  );
  const connection = new KeepAliveConnection(server.url);
  try {
    const request = jsonPost(`${server.url}/`, {});
    assert.equal((await connection.send(request)).status, 503);
    assert.equal((await connection.send(request)).status, 503);
    assert.equal(server.connections(), 2);
  } finally {
    connection.close();
    await server.close();
  }
});

Deno.test("KeepAliveConnection: an answer without Content-Length, or a closed connection, throws", async () => {
  const server = rawServer((n) =>
    n === 1 ? [bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")] : null
  );
  const connection = new KeepAliveConnection(server.url);
  try {
    const request = jsonPost(`${server.url}/`, {});
    await assert.rejects(connection.send(request), /200 without Content-Length/);
    await assert.rejects(connection.send(request), /closed the connection/);
  } finally {
    connection.close();
    await server.close();
  }
});

Deno.test("KeepAliveConnection: talks to Deno's own HTTP server", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) =>
      Response.json({ got: await request.json(), path: new URL(request.url).pathname }),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const connection = new KeepAliveConnection(url);
  try {
    for (let i = 0; i < 3; i++) {
      const answer = await connection.send(jsonPost(`${url}/invoke/f`, { Params: { i } }));
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(decoder.decode(answer.body)), {
        got: { Params: { i } },
        path: "/invoke/f",
      });
    }
  } finally {
    connection.close();
  }
});
