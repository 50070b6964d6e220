/**
 * `deno task bench`: a trivial Python function through a node, each figure beside a floor
 * measured in the same run:
 *
 * - cold start vs. create + start + first answer of a bare executor container, also with
 *   `container.pool.blank: 1` (a cold start takes a started blank container);
 * - warm invoke p50/p99 vs. a direct call to a warm executor (the node's executor client, on
 *   the executor's Unix socket);
 * - throughput at concurrency 1 and 16 vs. the same direct calls;
 * - warm invoke p50 vs. a bare Deno server forwarding to a warm executor (the least one hop
 *   costs);
 * - an edge→cloud offload (`cloudonly` edge) vs. a warm invoke on the cloud node itself.
 *
 * The node runs as its own process (`main.ts`), the client here. Needs Docker and the runtime
 * images. Prints a table; asserts nothing.
 *
 * @module
 */
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend } from "../server/containers/docker.ts";
import { encodeExecutorCode } from "../server/containers/executor.ts";
import { readCodeArchive } from "../server/functions/code_archive.ts";
import { containerSandbox } from "../server/node.ts";
import { sleep } from "../server/timing/sleep.ts";
import { exampleFunction } from "../server/testing/functions.ts";
import { freePort, type NodeProcess, startNodeProcess } from "../server/testing/node_process.ts";
import { postJson } from "../server/testing/post_json.ts";

const COLD_RUNS = Number(Deno.env.get("BENCH_COLD_RUNS") ?? 8);
const WARM_CALLS = Number(Deno.env.get("BENCH_WARM_CALLS") ?? 2000);
const THROUGHPUT_CALLS = Number(Deno.env.get("BENCH_THROUGHPUT_CALLS") ?? 3000);
const PYTHON_IMAGE = "serverledge-python311";

const rows: [string, string, string, string][] = [];
const ms = (s: number) => `${s.toFixed(2)} ms`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (values: number[]) => percentile(values, 50);

async function post(url: string, body: unknown) {
  const response = await postJson(url, body);
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function timed(calls: number, concurrency: number, call: () => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < calls) {
      const t = performance.now();
      await call();
      latencies.push(performance.now() - t);
    }
  }));
  return { latencies, perSecond: calls / ((performance.now() - started) / 1000) };
}

const backend = new DockerBackend({
  nodeId: `bench-floor-${crypto.randomUUID().slice(0, 8)}`,
  sandbox: containerSandbox(parseConfig("{}", "yaml", "bench")),
});
const node = await startNodeProcess({ config: { "container.pool.memory": 4096 } });
const url = node.url;
try {
  const definition = await exampleFunction("bench", "double.py", { MemoryMB: 64 });
  const files = await readCodeArchive(definition.TarFunctionCode as string, { maxBytes: 1 << 20 });
  const executorRequest = {
    Handler: "double.handler",
    Params: { a: 2, b: 3 },
    ReturnOutput: false,
    Context: {},
  };

  // Cold start floor: create + start + first answer of a bare executor container.
  const floorCold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t = performance.now();
    const handle = await backend.start({ image: PYTHON_IMAGE, memoryMB: 64, cpus: 0, labels: {} });
    await handle.executor.waitUntilReady(30_000);
    floorCold.push(performance.now() - t);
    await backend.remove(handle.id);
  }
  // Node cold start: a fresh function each time, first invocation seen by the client.
  const nodeCold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    await post(`${url}/create`, { ...definition, Name: `cold${i}` });
    const t = performance.now();
    const report = await post(`${url}/invoke/cold${i}`, { Params: { a: 1 } });
    nodeCold.push(performance.now() - t);
    if (report.IsWarmStart) throw new Error("expected a cold start");
    await post(`${url}/delete`, { Name: `cold${i}` });
    await containersGone(node.id); // as the floor loop, start the next one on a quiet daemon
  }
  rows.push([
    "cold start (median)",
    ms(median(nodeCold)),
    ms(median(floorCold)),
    `${(median(nodeCold) / median(floorCold)).toFixed(2)}×`,
  ]);
  const blankCold = await blankColdStarts(definition);
  rows.push([
    "cold start, blank containers",
    ms(median(blankCold)),
    ms(median(floorCold)),
    `${(median(blankCold) / median(floorCold)).toFixed(2)}×`,
  ]);

  // Warm: a direct executor vs. the node with one warm container.
  const direct = await backend.start({ image: PYTHON_IMAGE, memoryMB: 64, cpus: 0, labels: {} });
  await direct.executor.waitUntilReady(30_000);
  await direct.executor.init(encodeExecutorCode(files));
  const directCall = () => direct.executor.invoke(executorRequest, AbortSignal.timeout(10_000));
  await post(`${url}/create`, { ...definition, MaxConcurrency: 16 });
  const nodeCall = () => post(`${url}/invoke/bench`, { Params: { a: 2, b: 3 } });
  await timed(200, 1, directCall);
  await timed(200, 1, nodeCall);
  const directWarm = await timed(WARM_CALLS, 1, directCall);
  const nodeWarm = await timed(WARM_CALLS, 1, nodeCall);
  for (const p of [50, 99]) {
    const a = percentile(nodeWarm.latencies, p);
    const b = percentile(directWarm.latencies, p);
    rows.push([`warm invoke p${p}`, ms(a), ms(b), `+${(a - b).toFixed(2)} ms`]);
  }
  for (const concurrency of [1, 16]) {
    const d = await timed(THROUGHPUT_CALLS, concurrency, directCall);
    const n = await timed(THROUGHPUT_CALLS, concurrency, nodeCall);
    rows.push([
      `throughput, concurrency ${concurrency}`,
      `${n.perSecond.toFixed(0)} req/s`,
      `${d.perSecond.toFixed(0)} req/s`,
      `${((n.perSecond / d.perSecond) * 100).toFixed(0)} %`,
    ]);
  }
  // The least one hop costs: a bare Deno server forwarding to the same warm executor.
  const proxyPort = freePort();
  const proxy = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      new URL("./bare_proxy.ts", import.meta.url).pathname,
      String(proxyPort),
      direct.executor.url,
    ],
    stdout: "piped",
  }).spawn();
  await proxy.stdout.pipeThrough(new TextDecoderStream()).getReader().read();
  const proxyCall = () => post(`http://127.0.0.1:${proxyPort}/`, { Params: { a: 2, b: 3 } });
  await timed(200, 1, proxyCall);
  const proxyWarm = await timed(WARM_CALLS, 1, proxyCall);
  const nodeWarm2 = await timed(WARM_CALLS, 1, nodeCall);
  const a = percentile(nodeWarm2.latencies, 50);
  const b = percentile(proxyWarm.latencies, 50);
  rows.push(["warm p50 vs bare Deno hop", ms(a), ms(b), `+${(a - b).toFixed(2)} ms`]);
  proxy.kill();
  await proxy.status;
  await backend.remove(direct.id);

  // Offload: an edge node that sends everything to its cloud, vs. the cloud serving locally.
  rows.push(await offloadFigure(definition, node));
} finally {
  await node[Symbol.asyncDispose]();
  await backend.removeAll();
}

/** Cold starts on a node keeping one blank container per runtime, each once it is refilled. */
async function blankColdStarts(definition: Record<string, unknown>): Promise<number[]> {
  await using blankNode = await startNodeProcess({
    config: { "container.pool.memory": 4096, "container.pool.blank": 1 },
  });
  const refilled = async () => {
    for (let i = 0; i < 500; i++) {
      const status = await (await fetch(`${blankNode.url}/status`)).json();
      if (status.Pool.Blank === 2) return;
      await sleep(20);
    }
    throw new Error("blank containers were not refilled");
  };
  const times: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    await refilled();
    await post(`${blankNode.url}/create`, { ...definition, Name: `blank${i}` });
    const t = performance.now();
    const report = await post(`${blankNode.url}/invoke/blank${i}`, { Params: { a: 1 } });
    times.push(performance.now() - t);
    if (report.IsWarmStart) throw new Error("expected a cold start");
    await post(`${blankNode.url}/delete`, { Name: `blank${i}` });
  }
  return times;
}

/** Waits until Docker has removed every container of node `id`. */
async function containersGone(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const listed = await new Deno.Command("docker", {
      args: ["ps", "-aq", "--filter", `label=serverledge.node=${id}`],
    }).output();
    if (new TextDecoder().decode(listed.stdout).trim() === "") return;
    await sleep(20);
  }
}

async function offloadFigure(
  definition: Record<string, unknown>,
  cloud: NodeProcess,
): Promise<[string, string, string, string]> {
  await using edge = await startNodeProcess({
    config: { "cloud.server.url": cloud.url, "scheduler.policy": "cloudonly" },
  });
  await post(`${edge.url}/create`, { ...definition, MaxConcurrency: 16 });
  const viaEdge = () => post(`${edge.url}/invoke/bench`, { Params: { a: 2, b: 3 } });
  const atCloud = () => post(`${cloud.url}/invoke/bench`, { Params: { a: 2, b: 3 } });
  for (let i = 0; i < 100; i++) {
    const report = await viaEdge();
    if (report.SchedAction !== "O") {
      if (i === 99) throw new Error("the edge did not offload");
      await sleep(50);
    }
  }
  const offloaded = await timed(WARM_CALLS / 2, 1, viaEdge);
  const local = await timed(WARM_CALLS / 2, 1, atCloud);
  const a = percentile(offloaded.latencies, 50);
  const b = percentile(local.latencies, 50);
  return ["edge→cloud offload p50", ms(a), ms(b), `+${(a - b).toFixed(2)} ms`];
}

const header: [string, string, string, string] = ["figure", "node", "floor", "node vs floor"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) {
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
}
