/**
 * Test and benchmark fixture: a node as its own process (`main.ts` with a config file), on a
 * free 127.0.0.1 port, like a user runs it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { NODE_BINARY } from "../../scripts/binaries.ts";
import { CONFIG_KEYS } from "../config/mod.ts";
import { DEFAULT_SOCKET_ROOT, SocketDirs } from "../containers/socket_dirs.ts";
import { postJson } from "./post_json.ts";
import { pipeText, waitForStatus } from "./process_start.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A free UDP port on 127.0.0.1 (for `registry.udp.port`). */
export function freeUdpPort(): number {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const { port } = socket.addr as Deno.NetAddr;
  socket.close();
  return port;
}

/**
 * Registry timings under which node processes see each other within a second or two (a 2 s
 * lease, polls every second), for tests of several nodes on one etcd.
 */
export const FAST_CLUSTER = {
  "registry.ttl": 2,
  "registry.nearby.interval": 1,
  "registry.monitoring.interval": 1,
} as const;

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
  /** Its data dir (`data.dir`). */
  dataDir: string;
  /** Process id of the running node (for memory figures); 0 while it is stopped. */
  pid(): number;
  /** Everything the process printed so far. */
  output(): string;
  /** POSTs JSON to `path` and returns status and parsed body. */
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
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
  /**
   * A config file to run as it is, instead of one written from `config`: the keys set here and
   * those of `config` then reach the node as their `SERVERLEDGE_*` variables, which override
   * the file's values.
   */
  file?: string;
  /** Node id. @default a random `proc-…` id */
  id?: string;
  /** Milliseconds to wait for `/status`. @default 30000 */
  startTimeoutMs?: number;
  /** A `read` (or `admin`) token to ask `/status` with, for a node with tokens. */
  token?: string;
  /** Environment variables of the process over the test's own (e.g. another `PATH`). */
  env?: Record<string, string>;
}

/** The `SERVERLEDGE_*` variables that set the flat config keys of `keys`. */
function configVariables(keys: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(keys).map(([name, value]) => {
      const key = CONFIG_KEYS.find((k) => k.name === name);
      assert.ok(key, `no config key "${name}"`);
      return [key.env, String(value)];
    }),
  );
}

/**
 * A temporary directory holding the data dir and the config file of a node process (or
 * `options.file`), and the process's environment, as options give them.
 */
async function _writeConfig(options: NodeProcessOptions) {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-proc-" });
  const id = options.id ?? `proc-${crypto.randomUUID().slice(0, 8)}`;
  const port = freePort();
  const dataDir = `${dir}/data`;
  const keys = {
    "api.port": port,
    "node.id": id,
    "data.dir": dataDir,
    "container.pool.blank": 0,
    ...options.config,
  };
  if (options.file !== undefined) {
    const env = { ...configVariables(keys), ...options.env };
    return { dir, id, port, configPath: options.file, dataDir, env };
  }
  const configPath = `${dir}/serverledge-conf.yaml`;
  await Deno.writeTextFile(configPath, stringify(keys));
  return { dir, id, port, configPath, dataDir, env: options.env };
}

/**
 * Waits until a node process that must fail to start exits; asserts that its exit code is 1 and
 * resolves what it printed on stderr.
 */
export async function failedStart(child: Deno.ChildProcess): Promise<string> {
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  await child.stdout.cancel();
  assert.equal(status.code, 1, stderr);
  return stderr;
}

/**
 * Runs a node process with the config of `options` that must fail to start (see
 * {@linkcode failedStart}), and removes its directory; resolves what it printed on stderr.
 */
export async function failedNodeStart(options: NodeProcessOptions): Promise<string> {
  const { dir, configPath, env } = await _writeConfig(options);
  try {
    return await failedStart(spawnMain([configPath], env));
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Starts a node process and waits until it answers `/status`. */
export async function startNodeProcess(options: NodeProcessOptions = {}): Promise<NodeProcess> {
  const { dir, id, port, configPath, dataDir, env } = await _writeConfig(options);
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let child: Deno.ChildProcess | undefined;
  const collect = (text: string) => output += text;
  const start = async () => {
    const process = spawnMain([configPath], env);
    child = process;
    pipeText(process.stdout, collect);
    pipeText(process.stderr, collect);
    const headers: Record<string, string> = options.token
      ? { authorization: `Bearer ${options.token}` }
      : {};
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    if (await waitForStatus(url, { headers, timeoutMs })) return;
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
    dataDir,
    pid: () => child?.pid ?? 0,
    output: () => output,
    async post(path, body) {
      const response = await postJson(url + path, body);
      return { status: response.status, body: await response.json() };
    },
    stop,
    restart: start,
    async [Symbol.asyncDispose]() {
      await stop();
      await removeContainersOf(id);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Removes the containers a (possibly killed) node left behind, and their socket directories. */
async function removeContainersOf(id: string): Promise<void> {
  const docker = (...args: string[]) =>
    new Deno.Command("docker", { args, stdout: "piped", stderr: "null" }).output();
  const listed = await docker("ps", "-aq", "--filter", `label=serverledge.node=${id}`);
  const ids = new TextDecoder().decode(listed.stdout).split("\n").filter(Boolean);
  if (ids.length > 0) await docker("rm", "-f", ...ids);
  await new SocketDirs(DEFAULT_SOCKET_ROOT, id).removeAll();
}
