/**
 * Bursts on a fresh function: 32, then 128 simultaneous requests (each on its own keep-alive
 * connection, all opened first) of the trivial Python function (128 MB, `MaxConcurrency` 1)
 * on a node process whose pool holds 4 of its containers besides one blank container per
 * runtime. For each burst: how many were served and the statuses of the others, the time
 * until every request was answered, p50/p99 of the served ones (from the burst's start), and
 * the containers Docker started for the function. Floor: one blank-container cold start on
 * the same node (the target: a 32-burst all done within 3× that).
 *
 * Part of `deno task bench` (`bench/main.ts`); alone: `deno run -A bench/burst_bench.ts`.
 * `BENCH_BURSTS` (default `32,128`) and `BENCH_BURST_FLOOR_RUNS` (3) change the runs.
 *
 * @module
 */
import { BLANK_MEMORY_MB } from "../server/pool/blank_containers.ts";
import { builtInImages } from "../server/runtimes/catalog.ts";
import { type NodeProcess, startNodeProcess } from "../server/testing/node_process.ts";
import { envNumber, envNumbers } from "./env.ts";
import { jsonPost, KeepAliveConnection } from "./http_load.ts";
import { countStatuses, failureText, isSuccess, median, ms, percentile } from "./measure.ts";
import {
  blankColdStarts,
  blanksReady,
  containersStarted,
  deleteFunction,
  PARAMS,
  post,
  startsSettled,
  trivialFunction,
} from "./node_fixture.ts";
import { printRun, type Row } from "./table.ts";

const BURSTS = envNumbers("BENCH_BURSTS", [32, 128]);
const FLOOR_RUNS = envNumber("BENCH_BURST_FLOOR_RUNS", 3);
/** Containers of the function the pool can hold (besides the blank containers). */
const POOL_HOLDS = 4;

/** Measures the bursts; resolves their rows. */
export async function run(): Promise<Row[]> {
  const blanks = builtInImages().length;
  await using node = await startNodeProcess({
    config: {
      "container.pool.memory": POOL_HOLDS * 128 + blanks * BLANK_MEMORY_MB,
      "container.pool.blank": 1,
    },
  });
  const definition = await trivialFunction("floor");
  const floor = median(await blankColdStarts(node.url, blanks, FLOOR_RUNS, definition));
  const rows: Row[] = [];
  for (const size of BURSTS) rows.push(...burstRows(size, await burst(node, blanks, size), floor));
  return rows;
}

/** What one burst measured. */
interface Burst {
  /** Time from the burst's start until each request was answered, ms, served ones only. */
  served: number[];
  /** Requests not served, per status (0: the connection failed). */
  failures: Map<number, number>;
  /** Time until the last answer, ms. */
  allDone: number;
  /** Containers started for the function. */
  started: number;
}

/** Sends `size` simultaneous requests of a fresh function once the blanks are ready. */
async function burst(node: NodeProcess, blanks: number, size: number): Promise<Burst> {
  const name = `burst${size}-${crypto.randomUUID().slice(0, 6)}`;
  await blanksReady(node.url, blanks);
  await post(`${node.url}/create`, await trivialFunction(name));
  const request = jsonPost(`${node.url}/invoke/${name}`, { Params: PARAMS });
  const connections = Array.from({ length: size }, () => new KeepAliveConnection(node.url));
  await Promise.all(connections.map((c) => c.open()));
  const since = Date.now();
  const begin = performance.now();
  const answers = await Promise.all(connections.map(async (connection) => {
    const status = await connection.send(request).then((a) => a.status, () => 0);
    return { status, ms: performance.now() - begin };
  }));
  const allDone = performance.now() - begin;
  for (const connection of connections) connection.close();
  await startsSettled(node.url, name);
  const started = await containersStarted(node.id, name, since, Date.now());
  await deleteFunction(node.url, name);
  return {
    served: answers.filter((a) => isSuccess(a.status)).map((a) => a.ms),
    failures: countStatuses(answers.map((a) => a.status).filter((s) => !isSuccess(s))),
    allDone,
    started,
  };
}

/** The rows of one burst beside the blank-container cold start `floor` (ms). */
function burstRows(size: number, b: Burst, floor: number): Row[] {
  const p50 = percentile(b.served, 50);
  const p99 = percentile(b.served, 99);
  return [
    [
      `burst ${size}: served`,
      `${b.served.length} of ${size}`,
      `${size}`,
      `not served: ${failureText(b.failures)}`,
    ],
    [`burst ${size}: all answered`, ms(b.allDone), ms(floor), `${(b.allDone / floor).toFixed(1)}×`],
    [
      `burst ${size}: p50 / p99 served`,
      `${ms(p50)} / ${ms(p99)}`,
      ms(floor),
      `${(p99 / floor).toFixed(1)}× (p99)`,
    ],
    [`burst ${size}: containers started`, `${b.started}`, `${POOL_HOLDS} fit`, ""],
  ];
}

if (import.meta.main) await printRun(run);
