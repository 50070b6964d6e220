/**
 * What `serverledge-lb` adds to a warm invocation: the trivial Python function on a node
 * process, called through a balancer process whose one target is that node (`lb.targets`), vs.
 * the same node called directly, one request at a time (p50, p99) and at 16 connections
 * (throughput).
 *
 * Part of `deno task bench` (`bench/main.ts`); alone: `deno run -A bench/lb_bench.ts`.
 *
 * @module
 */
import { startLbProcess } from "../server/testing/lb_process.ts";
import { startNodeProcess } from "../server/testing/node_process.ts";
import { envNumber } from "./env.ts";
import { closedLoop, ms, percent, percentile, perSecond } from "./measure.ts";
import { PARAMS, post, trivialFunction } from "./node_fixture.ts";
import { printRun, type Row } from "./table.ts";

const WARM_CALLS = envNumber("BENCH_WARM_CALLS", 2000);
const THROUGHPUT_CALLS = envNumber("BENCH_THROUGHPUT_CALLS", 3000);

/** Measures the balancer's overhead; resolves its rows. */
export async function run(): Promise<Row[]> {
  await using node = await startNodeProcess({ config: { "container.pool.memory": 4096 } });
  await post(`${node.url}/create`, await trivialFunction("lbbench", { MaxConcurrency: 16 }));
  await using lb = await startLbProcess({ config: { "lb.targets": [node.url] } });
  const lbUrl = lb.url;
  const call = (base: string) => async () => {
    await post(`${base}/invoke/lbbench`, { Params: PARAMS });
  };
  await closedLoop(1, { calls: 300 }, call(lbUrl));
  const direct = await closedLoop(1, { calls: WARM_CALLS }, call(node.url));
  const through = await closedLoop(1, { calls: WARM_CALLS }, call(lbUrl));
  const rows: Row[] = [50, 99].map((p) => {
    const [a, b] = [percentile(through.latencies, p), percentile(direct.latencies, p)];
    return [`warm p${p} through serverledge-lb`, ms(a), ms(b), `+${(a - b).toFixed(2)} ms`];
  });
  const directLoad = await closedLoop(16, { calls: THROUGHPUT_CALLS }, call(node.url));
  const lbLoad = await closedLoop(16, { calls: THROUGHPUT_CALLS }, call(lbUrl));
  rows.push([
    "throughput through serverledge-lb, 16 conns",
    perSecond(lbLoad.okPerSecond),
    perSecond(directLoad.okPerSecond),
    percent(lbLoad.okPerSecond, directLoad.okPerSecond),
  ]);
  return rows;
}

if (import.meta.main) await printRun(run);
