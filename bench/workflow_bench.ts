/**
 * What a workflow adds per state over calling the same warm functions one after another from
 * a client: a chain of {@linkcode STATES} Task states of a trivial Python function, run as one
 * `POST /workflow/invoke` vs. the same {@linkcode STATES} `POST /invoke` calls in a row (the
 * floor), medians over {@linkcode RUNS} runs; and, inside the node, the workflow's response
 * time less its tasks' own response times (interpreter, journal, dispatch), per state.
 *
 * The node runs as its own process (`main.ts`), the client here. Needs Docker and the runtime
 * images. Part of `deno task bench` (`bench/main.ts`, `BENCH_ONLY=workflow`); alone:
 * `deno run -A bench/workflow_bench.ts`.
 *
 * @module
 */
import type { WorkflowReport } from "../protocol/workflow.ts";
import { startNodeProcess } from "../server/testing/node_process.ts";
import { workflowBody } from "../server/testing/workflows.ts";
import { envNumber } from "./env.ts";
import { median, ms } from "./measure.ts";
import { post, trivialFunction } from "./node_fixture.ts";
import { printRun, type Row } from "./table.ts";

/** Task states of the chain. */
const STATES = 10;
/** Runs of each way, after warm-up. */
const RUNS = envNumber("BENCH_WORKFLOW_RUNS", 200);

/** The chain: `S0 → S1 → …`, each state calling `bench` with the previous output's `a`. */
function chain(): unknown {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < STATES; i++) {
    states[`S${i}`] = {
      Type: "Task",
      Resource: "bench",
      Parameters: { "a.$": "$.a", b: 1 },
      ...(i === STATES - 1 ? { End: true } : { Next: `S${i + 1}` }),
    };
  }
  return { StartAt: "S0", States: states };
}

/** Measures the workflow figures; resolves their rows. */
export async function run(): Promise<Row[]> {
  await using node = await startNodeProcess();
  const url = node.url;
  await post(`${url}/create`, await trivialFunction("bench"));
  await post(`${url}/workflow/create`, workflowBody("chain", chain()));
  const client = async () => {
    let a = 1;
    for (let i = 0; i < STATES; i++) {
      const report = await post(`${url}/invoke/bench`, { Params: { a, b: 1 } });
      if (!report.Success) throw new Error(`invoke failed: ${JSON.stringify(report)}`);
      a = JSON.parse(report.Result as string).a;
    }
  };
  const inNode: number[] = [];
  const workflow = async () => {
    const report = await post(`${url}/workflow/invoke/chain`, {
      Params: { a: 1 },
    }) as unknown as WorkflowReport;
    if (!report.Success) throw new Error(`workflow failed: ${JSON.stringify(report)}`);
    const tasks = Object.values(report.Reports).reduce((sum, r) => sum + r.ResponseTime, 0);
    inNode.push((report.ResponseTime - tasks) * 1000 / STATES);
  };
  for (let i = 0; i < 20; i++) await client(), await workflow(); // warm container, JIT
  inNode.length = 0;
  const clientTimes: number[] = [];
  const workflowTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await client();
    clientTimes.push(performance.now() - t);
    t = performance.now();
    await workflow();
    workflowTimes.push(performance.now() - t);
  }
  const perClient = median(clientTimes) / STATES;
  const perWorkflow = median(workflowTimes) / STATES;
  const delta = perWorkflow - perClient;
  return [
    [
      `workflow of ${STATES} warm tasks, per state (median)`,
      ms(perWorkflow),
      ms(perClient),
      `${delta >= 0 ? "+" : ""}${ms(delta)}`,
    ],
    ["workflow overhead in the node, per state (median)", ms(median(inNode)), "-", "-"],
  ];
}

if (import.meta.main) await printRun(run);
