/**
 * Serverledge executor for Deno 2: runs TypeScript and JavaScript function handlers inside a
 * runtime container.
 *
 * Standard library only. Listens on the Unix socket `$EXECUTOR_SOCKET` when it is set, else on
 * 0.0.0.0:`$EXECUTOR_PORT` (default 8080); HTTP/1.1 keep-alive.
 *
 * Routes (JSON in and out, Content-Length always set):
 *   GET  /health  -> 200 {"Ready": true, "Initialized": bool}
 *   POST /init    {"Files": [{"Path": "hello.ts", "Mode": 420, "Data": "<base64>"}]}
 *                 -> 200 {"Initialized": true}; 400 bad body or path; 409 already initialized
 *   POST /invoke  {"Handler": "hello.ts", "Params": {}, "ReturnOutput": bool, "Context": {}}
 *                 -> 200 {"Success", "Result" (JSON text), "Output", "Error",
 *                         "Duration" (seconds the handler ran, not counting the first import of its module)};
 *                    400 bad body; 409 not initialized
 *
 * Function code runs in one module worker (`runner.ts`), started with the executor and kept for
 * the container's life, whose permissions are only those of `functionPermissions`: it
 * reads its code directory and `/tmp`, writes `/tmp`, and cannot read this executor's files,
 * write its code, reach the executor's socket, run programs or load native libraries. The
 * executor's own variables (`EXECUTOR_*`) are removed from the environment before it starts.
 *
 * @module
 */
import type { RunnerExit, RunnerReply, RunnerRequest } from "./runner.ts";

const SOCKET = Deno.env.get("EXECUTOR_SOCKET") ?? "";
const PORT = Number(Deno.env.get("EXECUTOR_PORT") || 8080);
const CODE_DIR = (Deno.env.get("EXECUTOR_CODE_DIR") || "/app").replace(/(.)\/+$/, "$1");
const MAX_BODY = Number(Deno.env.get("EXECUTOR_MAX_BODY_BYTES") || 256 * 1024 * 1024);
const OUTPUT_LIMIT = Number(Deno.env.get("EXECUTOR_OUTPUT_LIMIT_BYTES") || 1024 * 1024);
/** Where function code may write (and read); the container's tmpfs. */
const TEMP_DIR = "/tmp";
/**
 * What `os` and `Deno` may tell function code of the system (npm packages often ask for the
 * host name or the number of CPUs); nothing that names users or network interfaces.
 */
const SYSTEM_INFO = ["hostname", "osRelease", "osUptime", "loadavg", "cpus", "systemMemoryInfo"];

/** The permissions of the worker that runs function code. */
function functionPermissions(codeDir: string): Deno.PermissionOptionsObject {
  return {
    read: [codeDir, TEMP_DIR],
    write: [TEMP_DIR],
    // Containers sit on the node's function network, kept away from the host by its firewall.
    net: true,
    env: true,
    sys: SYSTEM_INFO,
    run: false,
    ffi: false,
    import: false,
  };
}

// ---- the worker ----------------------------------------------------------------------------

type Invocation = Omit<Extract<RunnerRequest, { type: "invoke" }>, "type" | "id">;

/** The worker running function code, and the invocations waiting for its answer. */
class Runner {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (reply: RunnerReply) => void>();
  #nextId = 1;

  constructor(codeDir: string) {
    this.#worker = new Worker(new URL("./runner.ts", import.meta.url), {
      type: "module",
      name: "function",
      deno: { permissions: functionPermissions(codeDir) },
    });
    this.#worker.addEventListener("message", (event: MessageEvent<RunnerReply | RunnerExit>) => {
      const message = event.data;
      if (message.type === "exit") {
        log(`function code ended the process with code ${message.code}`);
        Deno.exit(message.code);
      }
      this.#pending.get(message.id)?.(message);
      this.#pending.delete(message.id);
    });
    this.#worker.addEventListener("error", (event) => {
      event.preventDefault();
      log(`error in the function worker: ${event.message}`);
    });
    this.#post({ type: "configure", codeDir, outputLimit: OUTPUT_LIMIT });
  }

  invoke(invocation: Invocation): Promise<RunnerReply> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#post({ type: "invoke", id, ...invocation });
    });
  }

  #post(request: RunnerRequest): void {
    this.#worker.postMessage(request);
  }
}

// ---- function code -------------------------------------------------------------------------

/** A request the executor refuses, with its HTTP status. */
class RequestError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

/** The segments of a safe relative path, or a `RequestError` saying why not. */
function checkRelativePath(path: unknown, what: string): string[] {
  if (typeof path !== "string" || path === "") {
    throw new RequestError(`${what} must be a non-empty string`);
  }
  if (path.includes("\0")) throw new RequestError(`${what} "${path}" contains a NUL character`);
  if (path.startsWith("/") || path.startsWith("\\")) {
    throw new RequestError(`${what} "${path}" is absolute`);
  }
  const segments = path.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new RequestError(`${what} "${path}" contains a ".." segment`);
  if (segments.length === 0) throw new RequestError(`${what} "${path}" names no file`);
  return segments;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface CodeFile {
  segments: string[];
  mode: number;
  data: Uint8Array;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseFiles(body: Record<string, unknown>): CodeFile[] {
  const files = body.Files ?? [];
  if (!Array.isArray(files)) throw new RequestError("Files must be an array");
  return files.map((entry: unknown, i) => {
    if (!isObject(entry)) throw new RequestError(`Files[${i}] must be an object`);
    const segments = checkRelativePath(entry.Path, `Files[${i}].Path`);
    const mode = entry.Mode ?? 0o644;
    if (!Number.isInteger(mode) || (mode as number) < 0) {
      throw new RequestError(`Files[${i}].Mode must be a non-negative integer`);
    }
    const data = entry.Data ?? "";
    if (typeof data !== "string" || !BASE64.test(data)) {
      throw new RequestError(`Files[${i}].Data is not valid base64 (Path "${entry.Path}")`);
    }
    return { segments, mode: ((mode as number) & 0o777) | 0o400, data: decodeBase64(data) };
  });
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Writes the code; only regular files are written, never through a link. */
async function writeFiles(files: CodeFile[]): Promise<void> {
  await Deno.mkdir(CODE_DIR, { recursive: true });
  for (const { segments, mode, data } of files) {
    const target = [CODE_DIR, ...segments].join("/");
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    const existing = await Deno.lstat(target).catch(() => undefined);
    if (existing && !existing.isFile) {
      throw new Error(`"${segments.join("/")}" exists and is not a regular file`);
    }
    await Deno.writeFile(target, data, { mode: 0o600 });
    await Deno.chmod(target, mode);
  }
}

// ---- HTTP ----------------------------------------------------------------------------------

let initialized = false;
let initializing = false;

function send(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The request's JSON object body, or the error `Response` to answer. */
async function readJson(
  request: Request,
  failure: Record<string, unknown>,
): Promise<Record<string, unknown> | Response> {
  let text: string;
  try {
    text = await readBody(request);
  } catch (e) {
    const status = e instanceof RequestError ? e.status : 400;
    return send(status, { ...failure, Error: (e as Error).message });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return send(400, { ...failure, Error: `Invalid JSON body: ${(e as Error).message}` });
  }
  if (!isObject(body)) {
    return send(400, { ...failure, Error: "Invalid JSON body: expected an object" });
  }
  return body;
}

async function readBody(request: Request): Promise<string> {
  const tooLarge = () => new RequestError(`Body is larger than ${MAX_BODY} bytes`, 413);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY) throw tooLarge();
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.length;
    if (size > MAX_BODY) throw tooLarge();
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

async function postInit(request: Request): Promise<Response> {
  const failure = { Initialized: false };
  const body = await readJson(request, failure);
  if (body instanceof Response) return body;
  if (initialized || initializing) {
    return send(409, { Initialized: true, Error: "Executor is already initialized" });
  }
  let files: CodeFile[];
  try {
    files = parseFiles(body);
  } catch (e) {
    return send(400, { ...failure, Error: `Invalid init request: ${(e as Error).message}` });
  }
  initializing = true;
  try {
    await writeFiles(files);
  } catch (e) {
    return send(500, { ...failure, Error: `Cannot write function code: ${(e as Error).message}` });
  } finally {
    initializing = false;
  }
  initialized = true;
  return send(200, { Initialized: true });
}

function invokeProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.Handler !== "string" || body.Handler === "") {
    return "Handler must be a non-empty string";
  }
  const objectOrNothing = (v: unknown) => v === undefined || v === null || isObject(v);
  if (!objectOrNothing(body.Params)) return "Params must be an object";
  if (!objectOrNothing(body.Context)) return "Context must be an object";
  if (
    body.ReturnOutput !== undefined && body.ReturnOutput !== null &&
    typeof body.ReturnOutput !== "boolean"
  ) {
    return "ReturnOutput must be a boolean";
  }
  return undefined;
}

async function postInvoke(request: Request, runner: Runner): Promise<Response> {
  const failure = { Success: false, Result: "", Output: "" };
  const body = await readJson(request, failure);
  if (body instanceof Response) return body;
  if (!initialized) return send(409, { ...failure, Error: "Executor is not initialized" });
  const problem = invokeProblem(body);
  if (problem !== undefined) {
    return send(400, { ...failure, Error: `Invalid invoke request: ${problem}` });
  }
  const { type: _, id: __, ...reply } = await runner.invoke({
    handler: body.Handler as string,
    params: (body.Params ?? {}) as Record<string, unknown>,
    context: (body.Context ?? {}) as Record<string, unknown>,
    returnOutput: body.ReturnOutput === true,
  });
  return send(200, reply);
}

function route(request: Request, runner: Runner): Response | Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  const method = request.method;
  if (path === "/health" && method === "GET") {
    return send(200, { Ready: true, Initialized: initialized });
  }
  if (path === "/invoke" && method === "POST") return postInvoke(request, runner);
  if (path === "/init" && method === "POST") return postInit(request);
  if (path === "/health" || path === "/invoke" || path === "/init") {
    return send(405, { Error: `Method ${method} is not allowed on ${path}` });
  }
  return send(404, { Error: `No route ${path}${url.search}` });
}

function log(message: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`executor: ${message}\n`));
}

async function removeStaleSocket(path: string): Promise<void> {
  const info = await Deno.lstat(path).catch(() => undefined);
  if (info?.isSocket) await Deno.remove(path);
}

async function main(): Promise<void> {
  for (const name of Object.keys(Deno.env.toObject())) {
    if (name.startsWith("EXECUTOR_")) Deno.env.delete(name);
  }
  await Deno.mkdir(CODE_DIR, { recursive: true });
  const runner = new Runner(CODE_DIR);
  const handler = (request: Request) =>
    Promise.resolve(route(request, runner)).catch((e: unknown) => {
      log(`internal error: ${e instanceof Error ? e.stack : String(e)}`);
      return send(500, { Error: `Internal executor error: ${(e as Error)?.message}` });
    });
  const where = SOCKET ? `unix:${SOCKET}` : `0.0.0.0:${PORT}`;
  const onListen = () =>
    console.log(`executor: deno ${Deno.version.deno} listening on ${where}, code dir ${CODE_DIR}`);
  if (SOCKET) {
    await removeStaleSocket(SOCKET);
    Deno.serve({ path: SOCKET, onListen }, handler);
  } else {
    Deno.serve({ hostname: "0.0.0.0", port: PORT, onListen }, handler);
  }
  // As PID 1 in a container, default signal actions are ignored: stop explicitly.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => Deno.exit(0));
  }
}

if (import.meta.main) await main();
