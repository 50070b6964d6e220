/**
 * Single-request figures of a trivial Python function through a node, each beside a floor
 * measured in the same run:
 *
 * - cold start vs. create + start + first answer of a bare executor container, also with
 *   `container.pool.blank: 1` (a cold start takes a started blank container);
 * - warm invoke p50/p99 vs. a direct call of a warm executor (`Executor.invoke`: the node's
 *   own executor client, on whatever transport the backend gives the container);
 * - throughput at concurrency 1 and 16 vs. the same direct calls;
 * - warm invoke p50 vs. a bare Deno server forwarding to a warm executor (the least one hop
 *   costs);
 * - an edge→cloud offload (`cloudonly` edge) vs. a warm invoke on the cloud node itself.
 *
 * The node runs as its own process (`main.ts`), the client here. Needs Docker and the runtime
 * images. Part of `deno task bench` (`bench/main.ts`); alone: `deno run -A bench/invoke_bench.ts`.
 *
 * @module
 */
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend } from "../server/containers/docker.ts";
import { containerSandbox } from "../server/node.ts";
import { builtInImages } from "../server/runtimes/catalog.ts";
import { exampleFunction } from "../server/testing/functions.ts";
import { type NodeProcess, startNodeProcess } from "../server/testing/node_process.ts";
import { sleep } from "../server/timing/sleep.ts";
import { startBareProxy } from "./bare_proxy.ts";
import { envNumber } from "./env.ts";
import { closedLoop, median, ms, percent, percentile, perSecond } from "./measure.ts";
import {
  blankColdStarts,
  containersGone,
  EXECUTOR_REQUEST,
  PARAMS,
  post,
  PYTHON_IMAGE,
  startExecutors,
} from "./node_fixture.ts";
import { printRun, type Row } from "./table.ts";

const COLD_RUNS = envNumber("BENCH_COLD_RUNS", 8);
const WARM_CALLS = envNumber("BENCH_WARM_CALLS", 2000);
const THROUGHPUT_CALLS = envNumber("BENCH_THROUGHPUT_CALLS", 3000);

/** Measures the single-request figures; resolves their rows. */
export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const backend = new DockerBackend({
    nodeId: `bench-floor-${crypto.randomUUID().slice(0, 8)}`,
    sandbox: containerSandbox(parseConfig("{}", "yaml", "bench")),
  });
  const node = await startNodeProcess({ config: { "container.pool.memory": 4096 } });
  const url = node.url;
  try {
    const definition = await exampleFunction("bench", "double.py", { MemoryMB: 64 });

    // Cold start floor: create + start + first answer of a bare executor container.
    const floorCold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const t = performance.now();
      const handle = await backend.start({
        image: PYTHON_IMAGE,
        memoryMB: 64,
        cpus: 0,
        labels: {},
      });
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
    const floor = median(floorCold);
    rows.push(coldRow("cold start (median)", median(nodeCold), floor));
    rows.push(coldRow("cold start, blank containers", await blankColdStart(definition), floor));

    // Warm: a direct executor vs. the node with one warm container.
    const [direct] = await startExecutors(backend, definition, 1);
    const directCall = async () => {
      await direct.executor.invoke(EXECUTOR_REQUEST, AbortSignal.timeout(10_000));
    };
    await post(`${url}/create`, { ...definition, MaxConcurrency: 16 });
    const nodeCall = async () => {
      await post(`${url}/invoke/bench`, { Params: PARAMS });
    };
    await closedLoop(1, { calls: 200 }, directCall);
    await closedLoop(1, { calls: 200 }, nodeCall);
    const directWarm = await closedLoop(1, { calls: WARM_CALLS }, directCall);
    const nodeWarm = await closedLoop(1, { calls: WARM_CALLS }, nodeCall);
    for (const p of [50, 99]) {
      rows.push(overRow(`warm invoke p${p}`, nodeWarm.latencies, directWarm.latencies, p));
    }
    for (const concurrency of [1, 16]) {
      const d = await closedLoop(concurrency, { calls: THROUGHPUT_CALLS }, directCall);
      const n = await closedLoop(concurrency, { calls: THROUGHPUT_CALLS }, nodeCall);
      rows.push([
        `throughput, concurrency ${concurrency}`,
        perSecond(n.okPerSecond),
        perSecond(d.okPerSecond),
        percent(n.okPerSecond, d.okPerSecond),
      ]);
    }
    rows.push(await bareHopRow(direct.executor.url, nodeCall));
    await backend.remove(direct.id);

    // Offload: an edge node that sends everything to its cloud, vs. the cloud serving locally.
    rows.push(await offloadRow(definition, node));
  } finally {
    await node[Symbol.asyncDispose]();
    await backend.removeAll();
  }
  return rows;
}

/** A cold start row: the node's time, the floor's, and their ratio. */
function coldRow(figure: string, node: number, floor: number): Row {
  return [figure, ms(node), ms(floor), `${(node / floor).toFixed(2)}×`];
}

/** The median cold start on a node keeping one blank container per runtime. */
async function blankColdStart(definition: Record<string, unknown>): Promise<number> {
  await using node = await startNodeProcess({
    config: { "container.pool.memory": 4096, "container.pool.blank": 1 },
  });
  return median(await blankColdStarts(node.url, builtInImages().length, COLD_RUNS, definition));
}

/** A row of the `p`-th percentile of the node's latencies over the floor's. */
function overRow(figure: string, node: number[], floor: number[], p: number): Row {
  const a = percentile(node, p);
  const b = percentile(floor, p);
  return [figure, ms(a), ms(b), `+${(a - b).toFixed(2)} ms`];
}

/** The node's warm p50 vs. a bare Deno server forwarding to the executor at `executorUrl`. */
async function bareHopRow(executorUrl: string, nodeCall: () => Promise<void>): Promise<Row> {
  await using proxy = await startBareProxy([executorUrl]);
  const proxyCall = async () => {
    await post(`${proxy.url}/`, { Params: PARAMS });
  };
  await closedLoop(1, { calls: 200 }, proxyCall);
  const proxyWarm = await closedLoop(1, { calls: WARM_CALLS }, proxyCall);
  const nodeWarm = await closedLoop(1, { calls: WARM_CALLS }, nodeCall);
  return overRow("warm p50 vs bare Deno hop", nodeWarm.latencies, proxyWarm.latencies, 50);
}

/** An edge node with the `cloudonly` policy offloading to `cloud`, vs. the cloud itself. */
async function offloadRow(definition: Record<string, unknown>, cloud: NodeProcess): Promise<Row> {
  await using edge = await startNodeProcess({
    config: { "cloud.server.url": cloud.url, "scheduler.policy": "cloudonly" },
  });
  await post(`${edge.url}/create`, { ...definition, MaxConcurrency: 16 });
  const viaEdge = () => post(`${edge.url}/invoke/bench`, { Params: PARAMS });
  for (let i = 0; i < 100; i++) {
    const report = await viaEdge();
    if (report.SchedAction !== "O") {
      if (i === 99) throw new Error("the edge did not offload");
      await sleep(50);
    }
  }
  const offloaded = await closedLoop(1, { calls: WARM_CALLS / 2 }, async () => {
    await viaEdge();
  });
  const local = await closedLoop(1, { calls: WARM_CALLS / 2 }, async () => {
    await post(`${cloud.url}/invoke/bench`, { Params: PARAMS });
  });
  return overRow("edge→cloud offload p50", offloaded.latencies, local.latencies, 50);
}

if (import.meta.main) await printRun(run);
