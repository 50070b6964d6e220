/**
 * The "bare Deno server" floor of the benchmark: the least a node can do per warm request —
 * receive it with `Deno.serve`, forward the body to a warm executor with the node's HTTP
 * client, answer its JSON. Run as its own process:
 * `deno run --allow-net --allow-read --allow-write bench/bare_proxy.ts <port> <executor-url>`
 * (the URL as the executor's `url`: `unix:<socket>` or `http://127.0.0.1:<port>`).
 *
 * @module
 */
import { addressOf, HttpClient } from "../server/http/client.ts";

const [port, executor] = Deno.args;
const client = new HttpClient(addressOf(executor));
const encoder = new TextEncoder();
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen: () => console.log("ready") },
  async (request) => {
    const reply = await client.request({
      method: "POST",
      path: "/invoke",
      contentType: "application/json",
      body: encoder.encode(JSON.stringify({
        Handler: "double.handler",
        Params: (await request.json()).Params,
        ReturnOutput: false,
        Context: {},
      })),
    });
    return new Response(reply.body, { headers: { "content-type": "application/json" } });
  },
);
