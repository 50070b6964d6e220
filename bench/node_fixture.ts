/**
 * What the benchmark modules do to nodes and containers: the trivial function they all run,
 * JSON calls that must succeed (with `fetch`, or timed ones with the project's own HTTP client),
 * waiting on a node's pool, counting the containers Docker
 * started for a function, and starting executor containers directly for a floor.
 *
 * @module
 */
import type { ExecutorRequest } from "../protocol/executor.ts";
import type { FunctionOccupancy, NodeStatus } from "../protocol/status.ts";
import type { ContainerHandle } from "../server/containers/backend.ts";
import type { DockerBackend } from "../server/containers/docker.ts";
import { encodeExecutorCode } from "../server/containers/executor.ts";
import { readCodeArchive } from "../server/functions/code_archive.ts";
import { addressOf, type HttpAddress, HttpClient } from "../server/http/client.ts";
import { exampleFunction } from "../server/testing/functions.ts";
import { postJson } from "../server/testing/post_json.ts";
import { sleep } from "../server/timing/sleep.ts";

/** The runtime image of the trivial function. */
export const PYTHON_IMAGE = "serverledge-python311";

/** Parameters of every benchmark invocation. */
export const PARAMS = { a: 2, b: 3 };

/** What an executor is sent for one invocation of the trivial function, called directly. */
export const EXECUTOR_REQUEST: ExecutorRequest = {
  Handler: "double.handler",
  Params: PARAMS,
  ReturnOutput: false,
  Context: {},
};

/**
 * The create body of the trivial Python function (`examples/double.py`, 128 MB,
 * `MaxConcurrency` 1), then `extra`.
 */
export function trivialFunction(
  name: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return exampleFunction(name, "double.py", { MemoryMB: 128, MaxConcurrency: 1, ...extra });
}

/** POSTs `body` as JSON to `url`; resolves the answer's JSON, throws unless it is 2xx. */
export async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await postJson(url, body);
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** How long a timed call may take, as the direct floor's executor calls (`Executor.invoke`). */
export const CALL_TIMEOUT_MS = 10_000;

/** The body of every call an {@linkcode InvokeCaller} makes, encoded once. */
const INVOKE_BODY = new TextEncoder().encode(JSON.stringify({ Params: PARAMS }));
const decoder = new TextDecoder();

/**
 * Timed invocations of a node (or anything answering as its `/invoke`): `{ Params: PARAMS }`
 * POSTed to one path with the project's own HTTP client (`server/http/client.ts`, keep-alive
 * over TCP), the same client the direct floor calls its executor with, so that the two sides
 * pay the same client cost (`fetch` costs several times more CPU per request). Each concurrent
 * caller has its own client (the worker number `closedLoop` passes).
 */
export class InvokeCaller implements Disposable {
  readonly #address: HttpAddress;
  readonly #path: string;
  readonly #clients: HttpClient[] = [];

  /** Calls `path` of the server at `url` (`http://127.0.0.1:<port>`), connecting lazily. */
  constructor(url: string, path: string) {
    this.#address = addressOf(url);
    this.#path = path;
  }

  /**
   * One call by caller `worker`: resolves the answer's JSON, throws unless its status is 200
   * (or it took over {@linkcode CALL_TIMEOUT_MS}).
   */
  async call(worker = 0): Promise<Record<string, unknown>> {
    const client = this.#clients[worker] ??= new HttpClient(this.#address);
    const { status, body } = await client.request({
      method: "POST",
      path: this.#path,
      contentType: "application/json",
      body: INVOKE_BODY,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = decoder.decode(body);
    if (status !== 200) throw new Error(`${client.label}${this.#path}: ${status} ${text}`);
    return JSON.parse(text);
  }

  /** Closes every caller's client. */
  [Symbol.dispose](): void {
    for (const client of this.#clients) client.close();
  }
}

/** The node's `/status`. */
export async function nodeStatus(url: string): Promise<NodeStatus> {
  const response = await fetch(`${url}/status`);
  if (!response.ok) throw new Error(`${url}/status: ${response.status}`);
  return await response.json();
}

/** Polls the node's `/status` every 20 ms until `done` holds; throws, naming `what`, after 60 s. */
async function waitForStatus(
  url: string,
  what: string,
  done: (status: NodeStatus) => boolean,
): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(20)) {
    if (done(await nodeStatus(url))) return;
  }
  throw new Error(`${url}: ${what} did not happen within 60 s`);
}

/** The function's containers in the node's pool, or undefined when it has none. */
export async function occupancy(url: string, name: string): Promise<FunctionOccupancy | undefined> {
  return (await nodeStatus(url)).Pool.Functions[name];
}

/** Waits until the node has `count` blank containers ready. */
export function blanksReady(url: string, count: number): Promise<void> {
  return waitForStatus(url, `${count} blank containers`, (s) => s.Pool.Blank >= count);
}

/** Waits until none of the function's containers is starting any more. */
export function startsSettled(url: string, name: string): Promise<void> {
  return waitForStatus(
    url,
    `the end of "${name}"'s starts`,
    (s) => !s.Pool.Functions[name]?.Starting,
  );
}

/** Deletes the function and waits until the node's pool holds none of its containers. */
export async function deleteFunction(url: string, name: string): Promise<void> {
  await post(`${url}/delete`, { Name: name });
  await waitForStatus(url, `the removal of "${name}"'s containers`, (s) => !s.Pool.Functions[name]);
}

/** Waits until Docker has removed every container labelled with node id `id`. */
export async function containersGone(id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await docker("ps", "-aq", "--filter", `label=serverledge.node=${id}`)) === "") return;
    await sleep(20);
  }
  throw new Error(`The containers of node ${id} were not removed within 10 s`);
}

/**
 * Milliseconds before a window that {@linkcode containersStarted} reads too: a blank container
 * is resized to its idle size once its executor answers (within the node's 30 s ready timeout),
 * so a blank created this long before a window was resized to its idle size before it.
 */
const BLANK_START_LOOKBACK_MS = 35_000;

/** A Docker event of a container, as `docker events --format '{{json .}}'` prints it. */
interface ContainerEvent {
  Action: string;
  id: string;
  timeNano: number;
  Actor: { Attributes: Record<string, string> };
}

/**
 * How many containers node `id` started for a function between two moments (ms since the
 * epoch), from Docker's events: containers created with its `serverledge.function` label,
 * plus blank containers resized for a function in the window (a blank is resized when a cold
 * start takes it; during a benchmark step only the one function takes blanks). A blank
 * container's first resize, to its idle size once its executor answered, is not one.
 */
export async function containersStarted(
  id: string,
  name: string,
  sinceMs: number,
  untilMs: number,
): Promise<number> {
  const events: ContainerEvent[] = (await docker(
    "events",
    "--since",
    ((sinceMs - BLANK_START_LOOKBACK_MS) / 1000).toFixed(3),
    "--until",
    (untilMs / 1000).toFixed(3),
    "--filter",
    "type=container",
    "--filter",
    `label=serverledge.node=${id}`,
    "--filter",
    "event=create",
    "--filter",
    "event=update",
    "--format",
    "{{json .}}",
  )).split("\n").filter(Boolean).map((line) => JSON.parse(line));
  const blanksStarting = new Set<string>();
  let started = 0;
  for (const event of events.sort((a, b) => a.timeNano - b.timeNano)) {
    const labels = event.Actor.Attributes;
    const inWindow = event.timeNano / 1e6 >= sinceMs;
    if (event.Action === "create") {
      if (labels["serverledge.blank"] === "true") blanksStarting.add(event.id);
      if (inWindow && labels["serverledge.function"] === name) started++;
    } else if (labels["serverledge.blank"] === "true") {
      const idleResize = blanksStarting.delete(event.id);
      if (inWindow && !idleResize) started++;
    }
  }
  return started;
}

/**
 * Times cold starts on a node that keeps `blanks` blank containers: each time once the blanks
 * are ready, the first invoke of a fresh function created from `definition` under a name of
 * its own (deleted after). Resolves the times in ms.
 */
export async function blankColdStarts(
  url: string,
  blanks: number,
  runs: number,
  definition: Record<string, unknown>,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `blank${i}-${crypto.randomUUID().slice(0, 6)}`;
    await blanksReady(url, blanks);
    await post(`${url}/create`, { ...definition, Name: name });
    const t = performance.now();
    const report = await post(`${url}/invoke/${name}`, { Params: PARAMS });
    times.push(performance.now() - t);
    if (report.IsWarmStart) throw new Error("expected a cold start");
    await deleteFunction(url, name);
  }
  return times;
}

/**
 * Starts `count` executor containers of a Python function's create body with `backend`, at
 * most `parallel` at once, each ready and given the code (as the pool prepares a new one).
 */
export async function startExecutors(
  backend: DockerBackend,
  definition: Record<string, unknown>,
  count: number,
  parallel = 4,
): Promise<ContainerHandle[]> {
  const memoryMB = definition.MemoryMB as number;
  const files = await readCodeArchive(definition.TarFunctionCode as string, { maxBytes: 1 << 20 });
  const code = encodeExecutorCode(files);
  const handles: ContainerHandle[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, async () => {
    while (next++ < count) {
      const handle = await backend.start({ image: PYTHON_IMAGE, memoryMB, cpus: 0, labels: {} });
      handles.push(handle);
      await handle.executor.waitUntilReady(30_000);
      await handle.executor.init(code);
    }
  }));
  return handles;
}

/** Runs the docker CLI; resolves its trimmed stdout, throws when it fails. */
async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`docker ${args[0]}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}
