import assert from "node:assert/strict";
import { HttpClient } from "../http/client.ts";
import { forward, forwardedHeaders, replaceTraceContext } from "./forward.ts";

Deno.test("hop-by-hop headers stay behind; the caller's token and X-Forwarded-For go on", () => {
  const headers = forwardedHeaders(
    new Headers({
      authorization: "Bearer t",
      connection: "keep-alive, x-private",
      "x-private": "1",
      host: "lb.example",
      "transfer-encoding": "chunked",
      "x-forwarded-for": "10.0.0.1",
    }),
    "127.0.0.1",
  );
  assert.deepEqual(Object.fromEntries(headers), {
    authorization: "Bearer t",
    "x-forwarded-for": "10.0.0.1, 127.0.0.1",
  });
});

Deno.test("the balancer's trace context replaces the caller's; through fetch, Deno's own goes instead", () => {
  const caller = () =>
    new Headers({
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "vendor=1",
    });
  const mine = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
  const own = caller();
  replaceTraceContext(own, { traceparent: mine }, false);
  assert.deepEqual(Object.fromEntries(own), { traceparent: mine });
  const viaFetch = caller();
  replaceTraceContext(viaFetch, { traceparent: mine }, true);
  assert.deepEqual(Object.fromEntries(viaFetch), {});
  const untraced = caller();
  replaceTraceContext(untraced, {}, false);
  assert.deepEqual(Object.fromEntries(untraced), Object.fromEntries(caller()), "as it came");
});

Deno.test("a large body streams to the node and its answer streams back", async () => {
  const size = 3 * 1024 * 1024;
  await using upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (r) => {
      let received = 0;
      for await (const chunk of r.body!) received += chunk.length;
      const answer = new Uint8Array(size).fill(7);
      return new Response(answer, {
        headers: {
          "x-received": String(received),
          "x-path": new URL(r.url).pathname + new URL(r.url).search,
        },
      });
    },
  );
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(1024 * 1024));
      controller.close();
    },
  });
  const request = new Request("http://lb.example/create?x=1", { method: "POST", body });
  const answer = await forward(
    request,
    { url: `http://127.0.0.1:${upstream.addr.port}` },
    request.body,
    "127.0.0.1",
  );
  assert.equal(answer.headers.get("x-received"), String(size));
  assert.equal(answer.headers.get("x-path"), "/create?x=1");
  assert.equal((await answer.bytes()).length, size);
});

Deno.test("a held body goes through the node's own client with the caller's headers", async () => {
  await using upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (r) =>
      Response.json({
        body: await r.text(),
        authorization: r.headers.get("authorization"),
        forwarded: r.headers.get("x-forwarded-for"),
      }, { headers: { "x-node": "a" } }),
  );
  using client = new HttpClient({
    transport: "tcp",
    hostname: "127.0.0.1",
    port: upstream.addr.port,
  });
  const request = new Request("http://lb.example/invoke/f", {
    method: "POST",
    headers: { authorization: "Bearer t", "content-type": "application/json" },
    body: "{}",
  });
  const answer = await forward(
    request,
    { url: `http://127.0.0.1:${upstream.addr.port}`, client },
    new TextEncoder().encode("{}"),
    "10.0.0.9",
  );
  assert.equal(answer.headers.get("x-node"), "a");
  assert.deepEqual(await answer.json(), {
    body: "{}",
    authorization: "Bearer t",
    forwarded: "10.0.0.9",
  });
});

Deno.test("a node that cannot be reached makes forward reject", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await assert.rejects(
    forward(
      new Request("http://lb.example/function"),
      { url: `http://127.0.0.1:${port}` },
      null,
      "127.0.0.1",
    ),
  );
});
