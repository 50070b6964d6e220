/**
 * The function side of the Deno executor: a module worker, started by `executor.ts` with the
 * permissions of function code (see `functionPermissions` there), that loads handlers from the
 * code directory and runs invocations.
 *
 * It gets {@linkcode RunnerRequest}s and answers each with a {@linkcode RunnerReply} of the same
 * id. A handler `lib/f.ts` is imported from the code directory once; its default export (or its
 * `handler` export) is called as `fn(params, context)` and awaited when it returns a promise.
 * What the invocation prints (the console, `Deno.stdout`/`Deno.stderr`, `process.stdout`/
 * `process.stderr`) is routed with `AsyncLocalStorage` to that invocation; anything else goes to
 * the container's real streams. `Deno.exit`, `process.exit` and `close()` in function code are
 * reported to the executor ({@linkcode RunnerExit}), which exits with that code as another
 * runtime's process would.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Console } from "node:console";
import process from "node:process";
import { Writable } from "node:stream";
import { inspect } from "node:util";

/** What the executor asks of the worker. */
export type RunnerRequest =
  | { type: "configure"; codeDir: string; outputLimit: number }
  | {
    type: "invoke";
    id: number;
    handler: string;
    params: Record<string, unknown>;
    context: Record<string, unknown>;
    returnOutput: boolean;
  };

/** The answer to one `invoke` request: the fields of the executor's `/invoke` reply. */
export interface RunnerReply {
  type: "reply";
  id: number;
  Success: boolean;
  Result: string;
  Output: string;
  Error: string;
  Duration: number;
}

/** Function code asked to end the process (`Deno.exit`, `process.exit` or `close()`). */
export interface RunnerExit {
  type: "exit";
  code: number;
}

/** The worker's side of its message port, as far as the runner uses it. */
interface WorkerScope {
  postMessage(message: RunnerReply | RunnerExit): void;
  addEventListener(type: "message", listener: (event: MessageEvent<RunnerRequest>) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
const realClose = scope.close.bind(scope);
const realExit = Deno.exit;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let codeDir = "/app";
let outputLimit = 1024 * 1024;

// ---- output capture ------------------------------------------------------------------------

/** What one invocation printed (or a sink that drops it when `discard` is set). */
class Capture {
  readonly #discard: boolean;
  readonly #parts: string[] = [];
  #size = 0;
  #dropped = 0;

  constructor(discard: boolean) {
    this.#discard = discard;
  }

  write(text: string): void {
    if (this.#discard) return;
    const room = Math.max(outputLimit - this.#size, 0);
    if (text.length > room) {
      this.#dropped += text.length - room;
      text = text.slice(0, room);
    }
    if (text.length > 0) {
      this.#parts.push(text);
      this.#size += text.length;
    }
  }

  text(): string {
    const out = this.#parts.join("");
    return this.#dropped > 0
      ? `${out}\n[output truncated: ${this.#dropped} characters dropped]\n`
      : out;
  }
}

const captures = new AsyncLocalStorage<Capture>();

const realStdoutWrite = Deno.stdout.write.bind(Deno.stdout);
const realStdoutWriteSync = Deno.stdout.writeSync.bind(Deno.stdout);
const realStderrWriteSync = Deno.stderr.writeSync.bind(Deno.stderr);
const realStderrWrite = Deno.stderr.write.bind(Deno.stderr);

function writeAllSync(write: (bytes: Uint8Array) => number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += write(bytes.subarray(done));
}

/** Writes `text` to the current invocation's capture, or else to the real stream. */
function emit(text: string, toStderr: boolean): void {
  const capture = captures.getStore();
  if (capture) capture.write(text);
  else writeAllSync(toStderr ? realStderrWriteSync : realStdoutWriteSync, encoder.encode(text));
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === "string") return chunk;
  if (ArrayBuffer.isView(chunk)) {
    return decoder.decode(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return String(chunk);
}

/** A stream whose writes go through {@linkcode emit} synchronously. */
function routedStream(toStderr: boolean): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk, _encoding, done) {
      emit(chunkText(chunk), toStderr);
      done();
    },
  });
}

/** Routes the console and the standard streams of Deno and Node.js through the capture. */
function routeOutput(): void {
  const console = new Console({ stdout: routedStream(false), stderr: routedStream(true) });
  Object.defineProperty(globalThis, "console", {
    value: console,
    writable: true,
    configurable: true,
  });
  const routeDeno = (
    stream: typeof Deno.stdout,
    toStderr: boolean,
    real: (bytes: Uint8Array) => Promise<number>,
  ) => {
    stream.write = (bytes) => {
      if (!captures.getStore()) return real(bytes);
      emit(decoder.decode(bytes), toStderr);
      return Promise.resolve(bytes.length);
    };
    const realSync = stream.writeSync.bind(stream);
    stream.writeSync = (bytes) => {
      if (!captures.getStore()) return realSync(bytes);
      emit(decoder.decode(bytes), toStderr);
      return bytes.length;
    };
  };
  routeDeno(Deno.stdout, false, realStdoutWrite);
  routeDeno(Deno.stderr, true, realStderrWrite);
  for (const [stream, toStderr] of [[process.stdout, false], [process.stderr, true]] as const) {
    const realWrite = stream.write.bind(stream);
    // deno-lint-ignore no-explicit-any
    stream.write = ((chunk: unknown, encoding?: any, callback?: any) => {
      if (!captures.getStore()) return realWrite(chunk as string, encoding, callback);
      if (typeof encoding === "function") callback = encoding;
      emit(chunkText(chunk), toStderr);
      if (typeof callback === "function") queueMicrotask(callback);
      return true;
    }) as typeof stream.write;
  }
}

/** Reports the end the function code asked for to the executor, then ends the worker. */
function routeExit(): void {
  const exit = (code: number) => {
    scope.postMessage({ type: "exit", code });
    realClose();
    // The worker stops at its next turn; nothing of the function's runs after this.
    return realExit(code);
  };
  Deno.exit = (code?: number) => exit(Number.isInteger(code) ? code! : 0);
  scope.close = () => exit(0);
}

// Function code must never take the executor down: errors escaping from timers or unawaited
// promises are logged to the container's stderr.
function logStray(what: string, error: unknown): void {
  writeAllSync(
    realStderrWriteSync,
    encoder.encode(`executor: ${what} in function code: ${errorText(error)}\n`),
  );
}

// ---- function code -------------------------------------------------------------------------

/** A handler that names no loadable function. */
class HandlerNotFound extends Error {
  override name = "HandlerNotFound";
}

type Handler = (params: unknown, context: unknown) => unknown;

const handlers = new Map<string, Promise<Handler>>();

/** The segments of a safe relative path, or a `HandlerNotFound` saying why not. */
function handlerSegments(name: string): string[] {
  const invalid = (why: string) => new HandlerNotFound(`Handler "${name}" is invalid: ${why}`);
  if (name.includes("\0")) throw invalid("it contains a NUL character");
  if (name.startsWith("/") || name.startsWith("\\")) throw invalid("it is absolute");
  const segments = name.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw invalid('it contains a ".." segment');
  if (segments.length === 0) throw invalid("it names no file");
  return segments;
}

function pickFunction(module: Record<string, unknown>): Handler | undefined {
  if (typeof module.default === "function") return module.default as Handler;
  if (typeof module.handler === "function") return module.handler as Handler;
  return undefined;
}

async function loadHandler(name: string): Promise<Handler> {
  const file = [codeDir.replace(/\/+$/, ""), ...handlerSegments(name)].join("/");
  try {
    if (!(await Deno.stat(file)).isFile) throw new Deno.errors.NotFound(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new HandlerNotFound(`Handler "${name}" not found: cannot find module "${file}"`);
    }
    throw error;
  }
  const url = new URL(`file://${file.split("/").map(encodeURIComponent).join("/")}`);
  const module = await import(url.href) as Record<string, unknown>;
  const fn = pickFunction(module);
  if (fn === undefined) {
    const kind = module.default === undefined ? "no default export" : typeof module.default;
    throw new HandlerNotFound(
      `Handler "${name}" is not a function: the module's default export is ${kind}, ` +
        `expected a function (or a "handler" export that is one)`,
    );
  }
  return fn;
}

function resolveHandler(name: string): Promise<Handler> {
  let pending = handlers.get(name);
  if (pending === undefined) {
    pending = loadHandler(name);
    handlers.set(name, pending);
    // A failed load is not cached: the next invocation tries again.
    pending.catch(() => handlers.delete(name));
  }
  return pending;
}

function encodeResult(value: unknown): string {
  if (value === undefined) return "null";
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // not JSON-encodable (BigInt, cycles): its string form instead
  }
  try {
    return JSON.stringify(String(value));
  } catch {
    return JSON.stringify(inspect(value));
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const stack = String(error.stack ?? "");
    return stack.includes(error.message) ? stack : `${error.name}: ${error.message}\n${stack}`;
  }
  return `Uncaught ${inspect(error)}`;
}

async function invoke(request: Extract<RunnerRequest, { type: "invoke" }>): Promise<RunnerReply> {
  const capture = new Capture(!request.returnOutput);
  return await captures.run(capture, async () => {
    let success = false;
    let result = "";
    let error = "";
    let began = performance.now();
    try {
      const fn = await resolveHandler(request.handler);
      began = performance.now(); // the handler's run, not the first import of its module
      result = encodeResult(await fn(request.params, request.context));
      success = true;
    } catch (e) {
      error = e instanceof HandlerNotFound ? e.message : errorText(e);
    }
    return {
      type: "reply",
      id: request.id,
      Success: success,
      Result: result,
      Output: request.returnOutput ? capture.text() : "",
      Error: error,
      Duration: (performance.now() - began) / 1000,
    };
  });
}

routeOutput();
routeExit();
globalThis.addEventListener("error", (event) => {
  event.preventDefault();
  logStray("uncaught exception", event.error ?? event.message);
});
globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  logStray("unhandled rejection", event.reason);
});
scope.addEventListener("message", (event) => {
  const request = event.data;
  if (request.type === "configure") {
    codeDir = request.codeDir;
    outputLimit = request.outputLimit;
    return;
  }
  invoke(request).then((reply) => scope.postMessage(reply));
});
