/**
 * `deno task bench`: runs the benchmark modules one after the other and prints their rows as
 * one table (figure, node, floor, node vs floor). `BENCH_ONLY=burst,load` runs only the named
 * modules. Each module also runs alone (`deno run -A bench/<module>.ts`). Needs Docker and the
 * runtime images; asserts nothing.
 *
 * @module
 */
import { run as burst } from "./burst_bench.ts";
import { run as footprint } from "./footprint.ts";
import { run as invoke } from "./invoke_bench.ts";
import { run as lb } from "./lb_bench.ts";
import { run as load } from "./load_bench.ts";
import { type BenchRun, formatTable, type Row } from "./table.ts";
import { run as workflow } from "./workflow_bench.ts";

/**
 * The modules in the order they run (the footprint first: it measures an idle node). A new
 * module exporting a `BenchRun` goes here.
 */
const MODULES: Record<string, BenchRun> = { footprint, invoke, burst, load, lb, workflow };

const only = Deno.env.get("BENCH_ONLY")?.split(",");
const unknown = only?.filter((name) => !(name in MODULES)) ?? [];
if (unknown.length > 0) {
  console.error(`BENCH_ONLY names no module: ${unknown.join(", ")} (${Object.keys(MODULES)})`);
  Deno.exit(2);
}
const rows: Row[] = [];
for (const [name, run] of Object.entries(MODULES)) {
  if (only && !only.includes(name)) continue;
  const started = performance.now();
  rows.push(...await run());
  console.error(`${name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
console.log(formatTable(rows));
