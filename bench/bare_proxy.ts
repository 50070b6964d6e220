/**
 * The "bare Deno server" floor of the benchmark: the least a node can do per warm request —
 * receive it with `Deno.serve`, forward the body to a warm executor, answer its JSON. Run as
 * its own process: `deno run --allow-net bench/bare_proxy.ts <port> <executor-url>`.
 *
 * @module
 */
const [port, executor] = Deno.args;
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen: () => console.log("ready") },
  async (request) => {
    const reply = await fetch(`${executor}/invoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        Handler: "double.handler",
        Params: (await request.json()).Params,
        ReturnOutput: false,
        Context: {},
      }),
    });
    return Response.json(await reply.json());
  },
);
