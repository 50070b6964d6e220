/**
 * Test and benchmark fixture: `serverledge-lb` as its own process (`lb.ts` with a config file,
 * the permissions of its compiled binary), on a free 127.0.0.1 port, like a user runs it.
 *
 * @module
 */
import { stringify } from "yaml";
import { LB_BINARY } from "../../scripts/binaries.ts";
import { failedStart, freePort } from "./node_process.ts";
import { pipeText, waitForStatus } from "./process_start.ts";

const LB = new URL("../../lb.ts", import.meta.url).pathname;

/** A balancer process. */
export interface LbProcess extends AsyncDisposable {
  /** Base URL. */
  url: string;
  /** Everything the process printed so far. */
  output(): string;
}

/** Options of {@linkcode startLbProcess}. */
export interface LbProcessOptions {
  /** Flat config keys (`api.port` is set here). */
  config: Record<string, unknown>;
  /** Environment variables of the process over the test's own. */
  env?: Record<string, string>;
}

/** A temporary directory with the config file of `options`, and the process reading it. */
async function spawnLb(options: LbProcessOptions) {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-lb-proc-" });
  const port = freePort();
  const configPath = `${dir}/lb.yaml`;
  await Deno.writeTextFile(configPath, stringify({ "api.port": port, ...options.config }));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...LB_BINARY.runFlags, LB, configPath],
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return { dir, child, url: `http://127.0.0.1:${port}` };
}

/** Starts a balancer process and waits until it answers `/status` (so: without tokens). */
export async function startLbProcess(options: LbProcessOptions): Promise<LbProcess> {
  const { dir, child, url } = await spawnLb(options);
  let output = "";
  const collect = (text: string) => output += text;
  let ended = false;
  const exited = Promise.all([
    pipeText(child.stdout, collect),
    pipeText(child.stderr, collect),
    child.status.finally(() => ended = true),
  ]);
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
    await exited;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  if (!await waitForStatus(url, { timeoutMs: 30_000, ended: () => ended })) {
    await close();
    throw new Error(`serverledge-lb did not start:\n${output}`);
  }
  return { url, output: () => output, [Symbol.asyncDispose]: close };
}

/**
 * Runs a balancer process that must fail to start (see `failedStart`), and removes its
 * directory; resolves what it printed on stderr.
 */
export async function failedLbStart(options: LbProcessOptions): Promise<string> {
  const { dir, child } = await spawnLb(options);
  try {
    return await failedStart(child);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
