/**
 * Warm invokes through the nodes of two (or more) source trees at once, e.g. before and after
 * a change, on a shared and noisy machine: one node process per tree, all started before any
 * measurement, the trees taking turns every round of calls, so that a noisy moment weighs on
 * them alike. A trivial Python function (`MaxConcurrency` 16), `COMPARE_CALLS` calls per tree
 * (3000) at concurrency `COMPARE_CONCURRENCY` (1), in rounds of 100 calls per connection.
 *
 * Run from this tree, each tree a checkout or an unpacked `git archive`:
 * `deno run -A bench/compare_trees.ts /tmp/before /tmp/after`. Prints p50, p90, p99 and 2xx
 * throughput per tree; asserts nothing.
 *
 * @module
 */
import { exampleFunction } from "../server/testing/functions.ts";
import type { NodeProcess } from "../server/testing/node_process.ts";
import { postJson } from "../server/testing/post_json.ts";

const CONCURRENCY = Number(Deno.env.get("COMPARE_CONCURRENCY") ?? 1);
const CALLS = Number(Deno.env.get("COMPARE_CALLS") ?? 3000);
const ROUND = 100 * CONCURRENCY;
const trees = Deno.args.map((tree) => tree.replace(/\/$/, ""));
if (trees.length < 2) throw new Error("Give two or more source trees");

const nodes: NodeProcess[] = [];
try {
  for (const tree of trees) {
    const { startNodeProcess } = await import(`${tree}/server/testing/node_process.ts`);
    nodes.push(await startNodeProcess({ config: { "container.pool.memory": 4096 } }));
  }
  const definition = await exampleFunction("bench", "double.py", {
    MemoryMB: 64,
    MaxConcurrency: 16,
  });
  const call = async (url: string) => {
    const response = await postJson(`${url}/invoke/bench`, { Params: { a: 2, b: 3 } });
    await response.json();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
  };
  for (const node of nodes) {
    await (await postJson(`${node.url}/create`, definition)).json();
    for (let i = 0; i < 300; i++) await call(node.url);
  }
  const latencies: number[][] = nodes.map(() => []);
  const spentMs = nodes.map(() => 0);
  for (let done = 0; done < CALLS; done += ROUND) {
    for (const [k, node] of nodes.entries()) {
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < ROUND) {
          const t = performance.now();
          await call(node.url);
          latencies[k].push(performance.now() - t);
        }
      }));
      spentMs[k] += performance.now() - started;
    }
  }
  console.log(`concurrency ${CONCURRENCY}, ${CALLS} calls per tree      p50       p90       p99`);
  for (const [k, values] of latencies.entries()) {
    values.sort((a, b) => a - b);
    const at = (p: number) =>
      values[Math.min(values.length - 1, Math.floor(p / 100 * values.length))];
    const cells = [50, 90, 99].map((p) => `${at(p).toFixed(2).padStart(6)} ms`).join("  ");
    const perSecond = Math.round(values.length / (spentMs[k] / 1000));
    console.log(`${trees[k].padEnd(36)} ${cells}  ${perSecond} req/s`);
  }
} finally {
  for (const node of nodes) await node[Symbol.asyncDispose]();
}
