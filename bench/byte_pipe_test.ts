import assert from "node:assert/strict";
import { HttpClient } from "../server/http/client.ts";
import { startBytePipe, startSocatPipe } from "./byte_pipe.ts";
import type { ListenerProcess } from "./listener_process.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Whether `socat` runs here (scripts/setup.sh installs it; a machine without it skips its test). */
async function hasSocat(): Promise<boolean> {
  try {
    return (await new Deno.Command("socat", { args: ["-V"], stdout: "null" }).output()).success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
const socatInstalled = await hasSocat();

/** A temporary directory removed on disposal, for Unix sockets. */
async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir();
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Reads from `conn` until `count` bytes came; resolves them. */
async function readBytes(conn: Deno.Conn, count: number): Promise<Uint8Array> {
  const out = new Uint8Array(count);
  for (let at = 0; at < count;) {
    const read = await conn.read(out.subarray(at));
    if (read === null) throw new Error(`EOF after ${at} of ${count} bytes`);
    at += read;
  }
  return out;
}

/** Writes all of `bytes` to `conn`. */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/**
 * An echo server on a Unix socket counting the connections that carried bytes (not the
 * readiness probe's); disposing of it stops it.
 */
function unixEcho(path: string): AsyncDisposable & { carrying: () => number } {
  const listener = Deno.listen({ transport: "unix", path });
  let carrying = 0;
  const echo = async (conn: Deno.Conn) => {
    const buffer = new Uint8Array(16 * 1024);
    try {
      for (let read = await conn.read(buffer), first = true; read !== null; first = false) {
        if (first) carrying++;
        await writeAll(conn, buffer.subarray(0, read));
        read = await conn.read(buffer);
      }
    } catch {
      // the pipe closed it
    } finally {
      try {
        conn.close();
      } catch {
        // closed already
      }
    }
  };
  const served = (async () => {
    for await (const conn of listener) echo(conn);
  })();
  return {
    carrying: () => carrying,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served;
    },
  };
}

/** Checks that `pipe` copies unparsed bytes both ways, on a connection of its own upstream. */
async function assertCopiesBytes(pipe: ListenerProcess, upstream: { carrying: () => number }) {
  const first = await Deno.connect({ hostname: "127.0.0.1", port: pipe.port });
  const second = await Deno.connect({ hostname: "127.0.0.1", port: pipe.port });
  try {
    const noise = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251); // several chunks
    const [echoed] = await Promise.all([readBytes(first, noise.length), writeAll(first, noise)]);
    assert.deepEqual(echoed, noise);
    await writeAll(second, encoder.encode("second"));
    assert.equal(decoder.decode(await readBytes(second, 6)), "second");
    assert.equal(upstream.carrying(), 2);
  } finally {
    first.close();
    second.close();
  }
}

Deno.test("startBytePipe: copies unparsed bytes both ways, one upstream connection per client", async () => {
  await using dir = await tempDir();
  await using upstream = unixEcho(`${dir.path}/echo.sock`);
  await using pipe = await startBytePipe(`unix:${dir.path}/echo.sock`);
  await assertCopiesBytes(pipe, upstream);
});

Deno.test("startBytePipe: HTTP over it, kept alive, to a TCP upstream; a closed upstream ends the client's connection", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => new Response(`${request.method} ${await request.text()}`),
  );
  try {
    await using pipe = await startBytePipe(`http://127.0.0.1:${server.addr.port}`);
    using client = new HttpClient({ transport: "tcp", hostname: "127.0.0.1", port: pipe.port });
    for (const body of ["one", "two"]) {
      const answer = await client.request({
        method: "POST",
        path: "/",
        body: encoder.encode(body),
      });
      assert.equal(answer.status, 200);
      assert.equal(decoder.decode(answer.body), `POST ${body}`);
    }
    assert.equal(client.openConnections, 1);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: pipe.port });
    await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const answer = await new Response(conn.readable).text(); // ends once the server closes
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nGET $/);
  } finally {
    await server.shutdown();
  }
});

Deno.test({
  name: "startSocatPipe: copies unparsed bytes both ways to a Unix socket",
  ignore: !socatInstalled,
  async fn() {
    await using dir = await tempDir();
    await using upstream = unixEcho(`${dir.path}/echo.sock`);
    await using pipe = await startSocatPipe(`${dir.path}/echo.sock`);
    assert.ok(pipe);
    await assertCopiesBytes(pipe, upstream);
  },
});
