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
 * - the warm executor's p50 through a process that only copies bytes (`byte_pipe.ts`, then
 *   `socat` when installed and the executor is on a Unix socket) vs. called directly: what one
 *   process in between costs, with no HTTP work;
 * - an edge→cloud offload (`cloudonly` edge) vs. a warm invoke on the cloud node itself.
 *
 * Every timed call, on either side of a row, goes through the project's own HTTP client
 * (`server/http/client.ts`: `Executor.invoke` for executors, `InvokeCaller` for nodes and the
 * proxy), keep-alive, its JSON answer parsed; `fetch` only sets up. The node runs as its own
 * process (`main.ts`), the client here. Needs Docker and the runtime
 * images. Part of `deno task bench` (`bench/main.ts`); alone: `deno run -A bench/invoke_bench.ts`.
 *
 * @module
 */
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend } from "../server/containers/docker.ts";
import { type Executor, HttpExecutor } from "../server/containers/executor.ts";
import { addressOf } from "../server/http/client.ts";
import { containerSandbox } from "../server/node.ts";
import { builtInImages } from "../server/runtimes/catalog.ts";
import { exampleFunction } from "../server/testing/functions.ts";
import { type NodeProcess, startNodeProcess } from "../server/testing/node_process.ts";
import { sleep } from "../server/timing/sleep.ts";
import { startBareProxy } from "./bare_proxy.ts";
import { startBytePipe, startSocatPipe } from "./byte_pipe.ts";
import { envNumber } from "./env.ts";
import type { ListenerProcess } from "./listener_process.ts";
import { closedLoop, median, ms, percent, percentile, perSecond } from "./measure.ts";
import {
  blankColdStarts,
  CALL_TIMEOUT_MS,
  containersGone,
  EXECUTOR_REQUEST,
  InvokeCaller,
  post,
  PYTHON_IMAGE,
  startExecutors,
} from "./node_fixture.ts";
import { printRun, type Row } from "./table.ts";

const COLD_RUNS = envNumber("BENCH_COLD_RUNS", 8);
const WARM_CALLS = envNumber("BENCH_WARM_CALLS", 2000);
const THROUGHPUT_CALLS = envNumber("BENCH_THROUGHPUT_CALLS", 3000);
const WARM_UP_CALLS = 200;

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

    // Warm: a direct executor vs. the node with one warm container, both called with the
    // project's own HTTP client and their JSON answers parsed.
    const [direct] = await startExecutors(backend, definition, 1);
    const directCall = callOf(direct.executor);
    await post(`${url}/create`, { ...definition, MaxConcurrency: 16 });
    using nodeCaller = new InvokeCaller(url, "/invoke/bench");
    const nodeCall = async (worker: number) => void await nodeCaller.call(worker);
    const [directWarm, nodeWarm] = await warmLatencies(directCall, nodeCall);
    for (const p of [50, 99]) {
      rows.push(overRow(`warm invoke p${p}`, nodeWarm, directWarm, p));
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
    rows.push(...await pipeRows(direct.executor, directCall));
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

/** A timed call of `executor` with the direct floor's request. */
function callOf(executor: Executor): () => Promise<void> {
  return async () =>
    void await executor.invoke(EXECUTOR_REQUEST, AbortSignal.timeout(CALL_TIMEOUT_MS));
}

/**
 * The latencies of `calls` one at a time, each warmed up first (`WARM_UP_CALLS`), then each
 * measured over `count` calls in turn.
 */
async function warmLatencies(
  ...calls: ((worker: number) => Promise<void>)[]
): Promise<number[][]> {
  for (const call of calls) await closedLoop(1, { calls: WARM_UP_CALLS }, call);
  const latencies: number[][] = [];
  for (const call of calls) {
    latencies.push((await closedLoop(1, { calls: WARM_CALLS }, call)).latencies);
  }
  return latencies;
}

/** The node's warm p50 vs. a bare Deno server forwarding to the executor at `executorUrl`. */
async function bareHopRow(
  executorUrl: string,
  nodeCall: (worker: number) => Promise<void>,
): Promise<Row> {
  await using proxy = await startBareProxy([executorUrl]);
  using proxyCaller = new InvokeCaller(proxy.url, "/");
  const [proxyWarm, nodeWarm] = await warmLatencies(
    async (worker) => void await proxyCaller.call(worker),
    nodeCall,
  );
  return overRow("warm p50 vs bare Deno hop", nodeWarm, proxyWarm, 50);
}

/**
 * The warm p50 of `executor` called through a pipe process that only copies bytes (Deno's,
 * then `socat`'s), vs. the direct call: what one process in between costs, without HTTP work.
 */
async function pipeRows(executor: Executor, directCall: () => Promise<void>): Promise<Row[]> {
  const socatFigure = "socat pipe p50 vs direct";
  const address = addressOf(executor.url);
  await using deno = await startBytePipe(executor.url);
  const rows = [await pipedRow("byte pipe p50 vs direct", deno, executor, directCall)];
  if (address.transport !== "unix") {
    rows.push([socatFigure, "-", "-", "skipped: the executor is not on a Unix socket"]);
    return rows;
  }
  await using socat = await startSocatPipe(address.path);
  rows.push(
    socat
      ? await pipedRow(socatFigure, socat, executor, directCall)
      : [socatFigure, "-", "-", "skipped: socat is not installed"],
  );
  return rows;
}

/** `executor`'s warm p50 called through `pipe`, vs. called directly. */
async function pipedRow(
  figure: string,
  pipe: ListenerProcess,
  executor: Executor,
  directCall: () => Promise<void>,
): Promise<Row> {
  const piped = new HttpExecutor(addressOf(pipe.url), { contract: executor.contract });
  try {
    const [pipedWarm, directWarm] = await warmLatencies(callOf(piped), directCall);
    return overRow(figure, pipedWarm, directWarm, 50);
  } finally {
    piped.close();
  }
}

/** An edge node with the `cloudonly` policy offloading to `cloud`, vs. the cloud itself. */
async function offloadRow(definition: Record<string, unknown>, cloud: NodeProcess): Promise<Row> {
  await using edge = await startNodeProcess({
    config: { "cloud.server.url": cloud.url, "scheduler.policy": "cloudonly" },
  });
  await post(`${edge.url}/create`, { ...definition, MaxConcurrency: 16 });
  using edgeCaller = new InvokeCaller(edge.url, "/invoke/bench");
  using cloudCaller = new InvokeCaller(cloud.url, "/invoke/bench");
  for (let i = 0; i < 100; i++) {
    const report = await edgeCaller.call();
    if (report.SchedAction !== "O") {
      if (i === 99) throw new Error("the edge did not offload");
      await sleep(50);
    }
  }
  const [offloaded, local] = await warmLatencies(
    async (worker) => void await edgeCaller.call(worker),
    async (worker) => void await cloudCaller.call(worker),
  );
  return overRow("edge→cloud offload p50", offloaded, local, 50);
}

if (import.meta.main) await printRun(run);
