/**
 * The "bare Deno server" floor of the benchmark: the least a node can do per warm request —
 * receive it with `Deno.serve`, hand it to a free warm executor (each takes one call at a
 * time, as the trivial function's containers do), forward the body with the node's HTTP
 * client, answer its JSON. It runs as its own process, started by {@linkcode startBareProxy};
 * by hand: `deno run --allow-net --allow-read --allow-write bench/bare_proxy.ts <port>
 * <executor-url>...` (each URL as an executor's `url`: `unix:<socket>` or
 * `http://127.0.0.1:<port>`).
 *
 * @module
 */
import { addressOf, HttpClient } from "../server/http/client.ts";
import { type ListenerProcess, startDenoListener } from "./listener_process.ts";
import { Slots } from "./slots.ts";

/** Starts a bare proxy in front of the executors at `executorUrls`; resolves once it listens. */
export function startBareProxy(executorUrls: readonly string[]): Promise<ListenerProcess> {
  return startDenoListener(new URL(import.meta.url), executorUrls);
}

/** Serves on `port`, forwarding each request to a free executor of `executorUrls`. */
function serve(port: number, executorUrls: readonly string[]): void {
  const slots = new Slots(executorUrls.map((url) => new HttpClient(addressOf(url))));
  const encoder = new TextEncoder();
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} }, // ready once the port accepts
    async (request) => {
      const body = encoder.encode(JSON.stringify({
        Handler: "double.handler",
        Params: (await request.json()).Params,
        ReturnOutput: false,
        Context: {},
      }));
      const client = await slots.take();
      try {
        const reply = await client.request({
          method: "POST",
          path: "/invoke",
          contentType: "application/json",
          body,
        });
        return new Response(reply.body, { headers: { "content-type": "application/json" } });
      } finally {
        slots.give(client);
      }
    },
  );
}

if (import.meta.main) {
  const [port, ...executorUrls] = Deno.args;
  serve(Number(port), executorUrls);
}
