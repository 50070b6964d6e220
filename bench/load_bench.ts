/**
 * Steady load: a fresh trivial Python function (128 MB, `MaxConcurrency` 1) under closed-loop
 * load at 1, 4, 16 and 64 keep-alive connections for a few seconds each, on a node process
 * with a 4096 MB pool. For each: 2xx req/s, the non-2xx answers, p99 of the 2xx ones, and the
 * containers Docker started for the function. Floor: as many containers as the node held for
 * the function after its warm-up, started by the bench itself (`DockerBackend.start` +
 * executor init) and called directly (`Executor.invoke`) at the same number of connections,
 * each container taking at most `MaxConcurrency` calls at once; beside it, a bare Deno relay in
 * front of the same containers. Each is measured after the same warm-up (see
 * `WARM_UP_SECONDS`; the node's includes its ramp-up from a fresh function), then the three
 * take turns (see `ROUNDS`), and a row gives the host CPU the hypervisor stole during each.
 *
 * Part of `deno task bench` (`bench/main.ts`); alone: `deno run -A bench/load_bench.ts`.
 * `BENCH_LOAD_CONNECTIONS` (default `1,4,16,64`) and `BENCH_LOAD_SECONDS` (5) change the runs.
 *
 * @module
 */
import { parseConfig } from "../server/config/mod.ts";
import { DockerBackend } from "../server/containers/docker.ts";
import { containerSandbox } from "../server/node.ts";
import { type NodeProcess, startNodeProcess } from "../server/testing/node_process.ts";
import { startBareProxy } from "./bare_proxy.ts";
import { envNumber, envNumbers } from "./env.ts";
import { jsonPost, KeepAliveConnection } from "./http_load.ts";
import {
  closedLoop,
  failureText,
  interleavedLoops,
  type LoopResult,
  ms,
  percent,
  percentile,
  perSecond,
} from "./measure.ts";
import {
  containersStarted,
  deleteFunction,
  EXECUTOR_REQUEST,
  occupancy,
  PARAMS,
  post,
  startExecutors,
  startsSettled,
  trivialFunction,
} from "./node_fixture.ts";
import { Slots } from "./slots.ts";
import { printRun, type Row } from "./table.ts";

const LEVELS = envNumbers("BENCH_LOAD_CONNECTIONS", [1, 4, 16, 64]);
const SECONDS = envNumber("BENCH_LOAD_SECONDS", 5);
/**
 * Seconds of load before each measured run, the same for the node, the floor and the relay:
 * the node's starts from a fresh function, so it includes the function's cold start and
 * ramp-up (its containers-started figure counts from the first request).
 */
const WARM_UP_SECONDS = Math.min(1, SECONDS / 5);
/**
 * Turns of the node, the floor and the relay in each level's measured seconds: each runs
 * `SECONDS / ROUNDS` seconds at a time, so that all three see the same machine.
 */
const ROUNDS = 5;
/** Invocations one container of the trivial function takes at once. */
const MAX_CONCURRENCY = 1;
/** Connections of the level whose client CPU (this process's) gets a row. */
const CPU_LEVEL = 16;

/** Measures every load level; resolves their rows. */
export async function run(): Promise<Row[]> {
  const backend = new DockerBackend({
    nodeId: `bench-load-${crypto.randomUUID().slice(0, 8)}`,
    sandbox: containerSandbox(parseConfig("{}", "yaml", "bench")),
  });
  await using node = await startNodeProcess({
    config: { "container.pool.memory": 4096, "container.pool.blank": 1 },
  });
  const rows: Row[] = [];
  try {
    for (const connections of LEVELS) rows.push(...await level(node, backend, connections));
  } finally {
    await backend.removeAll();
  }
  return rows;
}

/**
 * The node, the direct floor and the bare relay at `connections` connections: the node warmed
 * up from a fresh function, then as many containers as it holds started for the floor, then
 * the three measured in turns ({@linkcode ROUNDS} rounds).
 */
async function level(
  node: NodeProcess,
  backend: DockerBackend,
  connections: number,
): Promise<Row[]> {
  const name = `load${connections}-${crypto.randomUUID().slice(0, 6)}`;
  const definition = await trivialFunction(name);
  await post(`${node.url}/create`, definition);
  const since = Date.now();
  using viaNode = keepAliveCalls(node.url, `/invoke/${name}`, connections);
  await closedLoop(connections, { seconds: WARM_UP_SECONDS }, viaNode.call);
  await startsSettled(node.url, name);
  const warmedUp = await occupancy(node.url, name);
  const containers = Math.max(1, (warmedUp?.Idle ?? 0) + (warmedUp?.Busy ?? 0));

  const handles = await startExecutors(backend, definition, containers);
  try {
    const slots = new Slots(handles.flatMap((h) => Array(MAX_CONCURRENCY).fill(h)));
    const direct = async () => {
      const handle = await slots.take();
      try {
        await handle.executor.invoke(EXECUTOR_REQUEST, AbortSignal.timeout(10_000));
      } finally {
        slots.give(handle);
      }
    };
    await using proxy = await startBareProxy(handles.map((h) => h.executor.url));
    using viaRelay = keepAliveCalls(proxy.url, "/", connections);
    await closedLoop(connections, { seconds: WARM_UP_SECONDS }, direct);
    await closedLoop(connections, { seconds: WARM_UP_SECONDS }, viaRelay.call);
    const results = await interleavedLoops(connections, { seconds: SECONDS, rounds: ROUNDS }, {
      node: viaNode.call,
      direct,
      relay: viaRelay.call,
    });
    viaNode.close();
    await startsSettled(node.url, name);
    const started = await containersStarted(node.id, name, since, Date.now());
    const held = await occupancy(node.url, name);
    await deleteFunction(node.url, name);
    return levelRows(connections, results, {
      started,
      held: (held?.Idle ?? 0) + (held?.Busy ?? 0),
      containers,
    });
  } finally {
    await Promise.all(handles.map((h) => backend.remove(h.id)));
  }
}

/**
 * `connections` keep-alive connections to `url`, each sending the trivial function's JSON
 * POST to `path`: `call(worker)` sends on connection `worker` and resolves the status.
 */
function keepAliveCalls(url: string, path: string, connections: number) {
  const request = jsonPost(`${url}${path}`, { Params: PARAMS });
  const clients = Array.from({ length: connections }, () => new KeepAliveConnection(url));
  const close = () => {
    for (const client of clients) client.close();
  };
  return {
    call: async (worker: number) => (await clients[worker].send(request)).status,
    close,
    [Symbol.dispose]: close,
  };
}

/** The rows of one level: the node's run, the direct floor, the bare Deno relay. */
function levelRows(
  connections: number,
  { node, direct, relay }: { node: LoopResult; direct: LoopResult; relay: LoopResult },
  { started, held, containers }: { started: number; held: number; containers: number },
): Row[] {
  const p99 = percentile(node.latencies, 99);
  const directP99 = percentile(direct.latencies, 99);
  const figure = `load ${connections} conn${connections === 1 ? "" : "s"}`;
  const rows: Row[] = [
    [
      `${figure}: 2xx throughput`,
      perSecond(node.okPerSecond),
      perSecond(direct.okPerSecond),
      percent(node.okPerSecond, direct.okPerSecond),
    ],
    [
      `${figure}: bare Deno relay 2xx vs direct`,
      perSecond(relay.okPerSecond),
      perSecond(direct.okPerSecond),
      percent(relay.okPerSecond, direct.okPerSecond),
    ],
    [`${figure}: non-2xx`, failureText(node.failures), failureText(direct.failures), ""],
    [`${figure}: p99`, ms(p99), ms(directP99), `+${(p99 - directP99).toFixed(2)} ms`],
    [`${figure}: containers`, `${started} started, ${held} held`, `${containers}`, ""],
    [`${figure}: host CPU stolen`, stolen(node), stolen(direct), `relay ${stolen(relay)}`],
  ];
  if (connections === CPU_LEVEL) {
    const cpu = (r: LoopResult) =>
      `${(r.cpuShare * 100).toFixed(0)} % (${r.cpuMicrosPerCall.toFixed(0)} µs/call)`;
    rows.push([`${figure}: client CPU of a core`, cpu(node), cpu(direct), ""]);
  }
  return rows;
}

/** A loop's share of stolen host CPU as a cell, e.g. `4 %`; `?` where it is unknown. */
function stolen(result: LoopResult): string {
  return Number.isNaN(result.stolen) ? "?" : `${(result.stolen * 100).toFixed(0)} %`;
}

if (import.meta.main) await printRun(run);
