/**
 * The path from a node to a warm executor, measured alone: one trivial Python invocation at a
 * time (`BENCH_CALLS` of each, 2000 by default, after 200 to warm up, the paths taking turns
 * every 100 calls), over
 *
 * - `fetch` to the port published on 127.0.0.1 (through Docker's userland proxy): the path
 *   before the executor client and the socket;
 * - `fetch` with `Deno.createHttpClient` to the Unix socket;
 * - the node's executor client (`server/http/client.ts`) to the published port;
 * - the node's executor client to the Unix socket: the path a node takes now.
 *
 * Run: `deno run -A bench/executor_path.ts`. Needs Docker and the runtime images; the TCP
 * container comes from an image derived to declare TCP, removed at the end. Prints a table;
 * asserts nothing.
 *
 * @module
 */
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend, TRANSPORT_LABEL } from "../server/containers/docker.ts";
import { encodeExecutorCode } from "../server/containers/executor.ts";
import { addressOf, HttpClient } from "../server/http/client.ts";
import { containerSandbox } from "../server/node.ts";
import { buildTestImage } from "../server/testing/docker_image.ts";

const CALLS = Number(Deno.env.get("BENCH_CALLS") ?? 2000);
const ROUND = 100;
const encoder = new TextEncoder();
const body = JSON.stringify({
  Handler: "double.handler",
  Params: { a: 2, b: 3 },
  ReturnOutput: false,
  Context: {},
});
const double = encodeExecutorCode([{
  path: "double.py",
  mode: 0o644,
  data: await Deno.readFile(new URL("../examples/double.py", import.meta.url)),
}]);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * p50 and p99, in ms, of `CALLS` sequential calls of each of `calls`, taken in rounds of
 * `ROUND` calls in turn, so that a noisy moment of a shared machine weighs on all alike.
 */
async function measure(calls: (() => Promise<unknown>)[]): Promise<[number, number][]> {
  for (const call of calls) for (let i = 0; i < 200; i++) await call();
  const latencies: number[][] = calls.map(() => []);
  for (let done = 0; done < CALLS; done += ROUND) {
    for (const [k, call] of calls.entries()) {
      for (let i = 0; i < Math.min(ROUND, CALLS - done); i++) {
        const t = performance.now();
        await call();
        latencies[k].push(performance.now() - t);
      }
    }
  }
  return latencies.map((values) => {
    values.sort((a, b) => a - b);
    return [percentile(values, 50), percentile(values, 99)];
  });
}

await using tcpImage = await buildTestImage(
  `FROM serverledge-python311\nLABEL ${TRANSPORT_LABEL}=tcp\n`,
);
const backend = new DockerBackend({
  nodeId: `bench-path-${crypto.randomUUID().slice(0, 8)}`,
  sandbox: containerSandbox(parseConfig("{}", "yaml", "bench")),
});
try {
  const start = async (image: string) => {
    const { executor } = await backend.start({ image, memoryMB: 64, cpus: 0, labels: {} });
    await executor.waitUntilReady(30_000);
    await executor.init(double);
    return executor.url;
  };
  const tcpUrl = await start(tcpImage.name);
  const unixUrl = await start("serverledge-python311");
  const fetchPost = (url: string, client?: Deno.HttpClient) => async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      client,
    });
    await response.json();
  };
  const clientPost = (client: HttpClient) => async () => {
    const { body: reply } = await client.request({
      method: "POST",
      path: "/invoke",
      contentType: "application/json",
      body: encoder.encode(body),
    });
    JSON.parse(new TextDecoder().decode(reply));
  };
  const unixFetchClient = Deno.createHttpClient({
    proxy: { transport: "unix", path: unixUrl.slice("unix:".length) },
  });
  const tcpClient = new HttpClient(addressOf(tcpUrl));
  const unixClient = new HttpClient(addressOf(unixUrl));
  const paths: [string, () => Promise<unknown>][] = [
    ["fetch, published TCP port", fetchPost(`${tcpUrl}/invoke`)],
    ["fetch, Unix socket", fetchPost("http://executor/invoke", unixFetchClient)],
    ["executor client, published TCP port", clientPost(tcpClient)],
    ["executor client, Unix socket", clientPost(unixClient)],
  ];
  const figures = await measure(paths.map(([, call]) => call));
  const rows = paths.map(([name], k) => [name, figures[k]] as const);
  unixFetchClient.close();
  tcpClient.close();
  unixClient.close();
  console.log(`direct executor call, ${CALLS} calls at concurrency 1      p50        p99`);
  for (const [name, [p50, p99]] of rows) {
    console.log(
      `${name.padEnd(54)} ${p50.toFixed(3).padStart(6)} ms  ${p99.toFixed(3).padStart(6)} ms`,
    );
  }
} finally {
  await backend.removeAll();
}
