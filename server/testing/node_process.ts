/**
 * Test and benchmark fixture: a node as its own process (`main.ts` with a config file), on a
 * free 127.0.0.1 port, like a user runs it.
 *
 * @module
 */
import { stringify } from "yaml";
import { NODE_BINARY } from "../../scripts/binaries.ts";
import { sleep } from "../timing/sleep.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs `main.ts` with `args`; output is piped. */
export function spawnMain(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...NODE_BINARY.runFlags, MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** A node process. */
export interface NodeProcess extends AsyncDisposable {
  /** Node id. */
  id: string;
  /** Base URL. */
  url: string;
  /** Process id of the running node (for memory figures); 0 while it is stopped. */
  pid(): number;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  /** Starts the process again with the same config (after `stop`). */
  restart(): Promise<void>;
}

/** Options of {@linkcode startNodeProcess}. */
export interface NodeProcessOptions {
  /**
   * Flat config keys over the defaults (`api.port`, `node.id`, `data.dir` are set here, and
   * `container.pool.blank: 0` so that tests count containers exactly).
   */
  config?: Record<string, unknown>;
  /** Node id. @default a random `proc-…` id */
  id?: string;
  /** Milliseconds to wait for `/status`. @default 30000 */
  startTimeoutMs?: number;
}

/** Starts a node process and waits until it answers `/status`. */
export async function startNodeProcess(options: NodeProcessOptions = {}): Promise<NodeProcess> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-proc-" });
  const id = options.id ?? `proc-${crypto.randomUUID().slice(0, 8)}`;
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = `${dir}/serverledge-conf.yaml`;
  await Deno.writeTextFile(
    configPath,
    stringify({
      "api.port": port,
      "node.id": id,
      "data.dir": `${dir}/data`,
      "container.pool.blank": 0,
      ...options.config,
    }),
  );
  let output = "";
  let child: Deno.ChildProcess | undefined;
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    // A TextDecoder rather than TextDecoderStream: its types differ between Deno's and the DOM's
    // libs, and `deno check .` sees both once the dashboard's Preact (DOM) types are in.
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const start = async () => {
    const process = spawnMain([configPath]);
    child = process;
    collect(process.stdout);
    collect(process.stderr);
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      const up = await fetch(`${url}/status`).then(
        async (r) => (await r.body?.cancel(), r.ok),
        () => false,
      );
      if (up) return;
      await sleep(100);
    }
    throw new Error(`Node "${id}" did not start:\n${output}`);
  };
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!child) return 0;
    const running = child;
    child = undefined;
    try {
      running.kill(signal);
    } catch {
      // already exited
    }
    return (await running.status).code;
  };
  await start();
  return {
    id,
    url,
    pid: () => child?.pid ?? 0,
    output: () => output,
    stop,
    restart: start,
    async [Symbol.asyncDispose]() {
      await stop();
      await removeContainersOf(id);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Removes the containers a (possibly killed) node left behind. */
async function removeContainersOf(id: string): Promise<void> {
  const docker = (...args: string[]) =>
    new Deno.Command("docker", { args, stdout: "piped", stderr: "null" }).output();
  const listed = await docker("ps", "-aq", "--filter", `label=serverledge.node=${id}`);
  const ids = new TextDecoder().decode(listed.stdout).split("\n").filter(Boolean);
  if (ids.length > 0) await docker("rm", "-f", ...ids);
}
