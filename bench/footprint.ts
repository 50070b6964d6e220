/**
 * A node's footprint against a bare Deno process serving HTTP, both started the same way in the
 * same run: the time from spawning the process to its first answer (`GET /status` for the node,
 * run as `deno task start` runs it, with the embedded registry and a config in a temporary
 * directory; the runtime images exist already), and its resident memory (`VmRSS`) once idle
 * (the node's blank containers started, then a few seconds without requests). Each figure is
 * the median of `BENCH_FOOTPRINT_RUNS` (default 3) starts. Needs Docker and the runtime images;
 * asserts nothing.
 *
 * ```sh
 * deno run -A bench/footprint.ts
 * ```
 *
 * @module
 */
import { stringify } from "yaml";
import { NODE_BINARY } from "../scripts/binaries.ts";
import { builtInImages } from "../server/runtimes/catalog.ts";
import { sleep } from "../server/timing/sleep.ts";
import { freePort } from "../server/testing/node_process.ts";
import { median } from "./measure.ts";
import { printRun, type Row } from "./table.ts";

const RUNS = Number(Deno.env.get("BENCH_FOOTPRINT_RUNS") ?? 3);
/** How long a process is left alone, once it answers (and its blanks are up), before its RSS. */
const SETTLE_MS = 3000;
const POLL_MS = 5;
/** Longest wait for a node's blank containers (one per built-in runtime) before its RSS. */
const BLANKS_TIMEOUT_MS = 10_000;
const START_TIMEOUT_MS = 30_000;
const MAIN = new URL("../main.ts", import.meta.url).pathname;
/** The floor: the least a Deno process that serves HTTP holds and takes to answer. */
const BARE_SERVER = "Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.args[0]), " +
  "onListen() {} }, () => new Response('ok'));";

/** What one start of a process measured. */
interface StartFigures {
  /** Milliseconds from the spawn to the first 200. */
  readyMs: number;
  /** Resident memory once idle, MB. */
  rssMB: number;
}

/** Rows `[figure, node, floor, node vs floor]`: time to ready and idle RSS, medians. */
export async function run(): Promise<Row[]> {
  const node: StartFigures[] = [];
  const floor: StartFigures[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await measureBareServer());
    node.push(await measureNode());
  }
  const figure = (name: string, of: (f: StartFigures) => number, unit: string, digits: number) => {
    const [mine, bare] = [median(node.map(of)), median(floor.map(of))];
    const sign = mine >= bare ? "+" : "";
    return [
      `${name} (median)`,
      `${mine.toFixed(digits)} ${unit}`,
      `${bare.toFixed(digits)} ${unit}`,
      `${sign}${(mine - bare).toFixed(digits)} ${unit}`,
    ] as Row;
  };
  return [
    figure("time to ready", (f) => f.readyMs, "ms", 0),
    figure("idle RSS", (f) => f.rssMB, "MB", 1),
  ];
}

/** A node process with the embedded registry and `container.pool.blank` left at its default. */
async function measureNode(): Promise<StartFigures> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-footprint-" });
  const port = freePort();
  const configPath = `${dir}/serverledge-conf.yaml`;
  await Deno.writeTextFile(
    configPath,
    stringify({
      "api.port": port,
      "node.id": `footprint-${crypto.randomUUID().slice(0, 8)}`,
      "data.dir": `${dir}/data`,
    }),
  );
  try {
    return await measure(
      ["run", ...NODE_BINARY.runFlags, MAIN, configPath],
      `http://127.0.0.1:${port}/status`,
      async (answer) => (await answer.json()).Pool.Blank >= builtInImages().length,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The floor: `Deno.serve` answering every request with a constant. */
function measureBareServer(): Promise<StartFigures> {
  const port = freePort();
  return measure(
    ["eval", BARE_SERVER, String(port)],
    `http://127.0.0.1:${port}/`,
    async (answer) => (await answer.body?.cancel(), true),
  );
}

/**
 * Spawns `deno <args>`, times its first 200 at `url`, waits until `idle` says so of an answer
 * and `SETTLE_MS` more, reads its RSS, then stops it with SIGTERM (a node removes its
 * containers).
 */
async function measure(
  args: string[],
  url: string,
  idle: (answer: Response) => Promise<boolean>,
): Promise<StartFigures> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .spawn();
  try {
    const readyMs = await firstAnswer(url, child) - started;
    const blanksDeadline = performance.now() + BLANKS_TIMEOUT_MS;
    while (!await idle(await fetch(url)) && performance.now() < blanksDeadline) await sleep(50);
    await sleep(SETTLE_MS);
    return { readyMs, rssMB: residentMB(child.pid) };
  } finally {
    child.kill("SIGTERM");
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    if (!status.success && status.signal !== "SIGTERM") console.error(stderr);
  }
}

/** The `performance.now()` time of the first 200 from `url`. */
async function firstAnswer(url: string, child: Deno.ChildProcess): Promise<number> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  let exited = false;
  child.status.then(() => exited = true);
  while (performance.now() < deadline && !exited) {
    const ok = await fetch(url).then(async (r) => (await r.body?.cancel(), r.ok), () => false);
    if (ok) return performance.now();
    await sleep(POLL_MS);
  }
  throw new Error(`${url} did not answer ${exited ? "(the process exited)" : "in time"}`);
}

/** `VmRSS` of process `pid`, MB. */
function residentMB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

if (import.meta.main) await printRun(run);
