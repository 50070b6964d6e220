// Serverledge executor for Node.js 18: runs function handlers inside a runtime container.
//
// Standard library only. Listens on the Unix socket $EXECUTOR_SOCKET when it is set, else on
// 0.0.0.0:$EXECUTOR_PORT (default 8080) with TCP_NODELAY on every socket; HTTP/1.1 keep-alive
// (idle connections are kept until the client closes them).
//
// Routes (JSON in and out, Content-Length always set):
//   GET  /health  -> 200 {"Ready": true, "Initialized": bool}
//   POST /init    {"Files": [{"Path": "sieve.js", "Mode": 420, "Data": "<base64>"}]}
//                 -> 200 {"Initialized": true}; 400 bad body or path; 409 already initialized
//   POST /invoke  {"Handler": "sieve.js", "Params": {}, "ReturnOutput": bool, "Context": {}}
//                 -> 200 {"Success", "Result" (JSON text), "Output", "Error",
//                         "Duration" (seconds the handler ran, not counting the first import of its module)};
//                    400 bad body; 409 not initialized
//
// Handlers: "lib/f.js" is required from the code dir ($EXECUTOR_CODE_DIR, default /app) once;
// module.exports must be a function or an object with a `handler` function (ES modules: the
// default export or `handler`). It is called as fn(params, context) and awaited when it returns
// a promise. Output written to process.stdout/process.stderr (console included) is routed with
// AsyncLocalStorage to the invocation that produced it; anything else goes to the real streams.
"use strict";

const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");
const { AsyncLocalStorage } = require("node:async_hooks");
const { pathToFileURL } = require("node:url");

const PORT = Number(process.env.EXECUTOR_PORT || 8080);
const SOCKET = process.env.EXECUTOR_SOCKET || "";
const CODE_DIR = path.resolve(process.env.EXECUTOR_CODE_DIR || "/app");
const MAX_BODY = Number(process.env.EXECUTOR_MAX_BODY_BYTES || 256 * 1024 * 1024);
const OUTPUT_LIMIT = Number(process.env.EXECUTOR_OUTPUT_LIMIT_BYTES || 1024 * 1024);

// ---- output capture ------------------------------------------------------------------------

class Capture {
  constructor(discard) {
    this.discard = discard;
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
  }

  write(text) {
    if (this.discard) return;
    const room = Math.max(OUTPUT_LIMIT - this.size, 0);
    if (text.length > room) {
      this.dropped += text.length - room;
      text = text.slice(0, room);
    }
    if (text.length > 0) {
      this.parts.push(text);
      this.size += text.length;
    }
  }

  text() {
    let out = this.parts.join("");
    if (this.dropped > 0) out += `\n[output truncated: ${this.dropped} characters dropped]\n`;
    return out;
  }
}

const captureStore = new AsyncLocalStorage();

function chunkToText(chunk, encoding) {
  if (typeof chunk === "string") {
    if (encoding && encoding !== "utf8" && encoding !== "utf-8" && Buffer.isEncoding(encoding)) {
      return Buffer.from(chunk, encoding).toString("utf8");
    }
    return chunk;
  }
  if (ArrayBuffer.isView(chunk)) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  }
  return String(chunk);
}

function routeStream(stream) {
  const realWrite = stream.write.bind(stream);
  stream.write = function write(chunk, encoding, callback) {
    const capture = captureStore.getStore();
    if (capture === undefined) return realWrite(chunk, encoding, callback);
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    capture.write(chunkToText(chunk, encoding));
    if (typeof callback === "function") process.nextTick(callback);
    return true;
  };
  return realWrite;
}

const realStdoutWrite = routeStream(process.stdout);
const realStderrWrite = routeStream(process.stderr);

// ---- function code -------------------------------------------------------------------------

class RequestError extends Error {
  constructor(message) {
    super(message);
    this.name = "RequestError";
  }
}

class HandlerNotFound extends Error {
  constructor(message) {
    super(message);
    this.name = "HandlerNotFound";
  }
}

/** Returns the segments of a safe relative path, or throws RequestError. */
function checkRelativePath(p, what) {
  if (typeof p !== "string" || p === "") {
    throw new RequestError(`${what} must be a non-empty string`);
  }
  if (p.includes("\0")) throw new RequestError(`${what} "${p}" contains a NUL character`);
  if (p.startsWith("/") || p.startsWith("\\")) throw new RequestError(`${what} "${p}" is absolute`);
  const segments = p.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new RequestError(`${what} "${p}" contains a ".." segment`);
  if (segments.length === 0) throw new RequestError(`${what} "${p}" names no file`);
  return segments;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseFiles(body) {
  let files = body.Files;
  if (files === undefined || files === null) files = [];
  if (!Array.isArray(files)) throw new RequestError("Files must be an array");
  return files.map((entry, i) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new RequestError(`Files[${i}] must be an object`);
    }
    const segments = checkRelativePath(entry.Path, `Files[${i}].Path`);
    let mode = entry.Mode ?? 0o644;
    if (!Number.isInteger(mode) || mode < 0) {
      throw new RequestError(`Files[${i}].Mode must be a non-negative integer`);
    }
    mode = (mode & 0o777) | 0o400;
    const data = entry.Data ?? "";
    if (typeof data !== "string" || !BASE64.test(data)) {
      throw new RequestError(`Files[${i}].Data is not valid base64 (Path "${entry.Path}")`);
    }
    return { segments, mode, data: Buffer.from(data, "base64") };
  });
}

function writeFiles(files) {
  fs.mkdirSync(CODE_DIR, { recursive: true });
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  for (const { segments, mode, data } of files) {
    const target = path.join(CODE_DIR, ...segments);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600);
    try {
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(target, mode);
  }
}

const handlers = new Map(); // handler name -> Promise<function>

function pickFunction(mod) {
  if (typeof mod === "function") return mod;
  if (mod !== null && typeof mod === "object") {
    if (typeof mod.handler === "function") return mod.handler;
    if (typeof mod.default === "function") return mod.default;
    if (mod.default && typeof mod.default.handler === "function") return mod.default.handler;
  }
  return undefined;
}

async function loadHandler(name) {
  let segments;
  try {
    segments = checkRelativePath(name, "Handler");
  } catch (e) {
    throw new HandlerNotFound(`Handler "${name}" is invalid: ${e.message}`);
  }
  const file = path.join(CODE_DIR, ...segments);
  let resolved;
  try {
    resolved = require.resolve(file);
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND") {
      throw new HandlerNotFound(`Handler "${name}" not found: cannot find module "${file}"`);
    }
    throw e;
  }
  let mod;
  if (resolved.endsWith(".mjs")) {
    mod = await import(pathToFileURL(resolved).href);
  } else {
    try {
      mod = require(resolved);
    } catch (e) {
      if (!e || e.code !== "ERR_REQUIRE_ESM") throw e;
      mod = await import(pathToFileURL(resolved).href);
    }
  }
  const fn = pickFunction(mod);
  if (fn === undefined) {
    const what = mod === null ? "null" : typeof mod;
    throw new HandlerNotFound(
      `Handler "${name}" is not a function: the module exports ${what}, ` +
        `expected a function or an object with a "handler" function`,
    );
  }
  return fn;
}

function resolveHandler(name) {
  let pending = handlers.get(name);
  if (pending === undefined) {
    pending = loadHandler(name);
    handlers.set(name, pending);
    // A failed load is not cached: the next invocation tries again.
    pending.catch(() => handlers.delete(name));
  }
  return pending;
}

function encodeResult(value) {
  if (value === undefined) return "null";
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // not JSON-encodable (BigInt, cycles): fall back to its string form
  }
  try {
    return JSON.stringify(String(value));
  } catch {
    return JSON.stringify(util.inspect(value));
  }
}

function errorText(err) {
  if (err instanceof Error || (err && typeof err.stack === "string")) {
    const stack = String(err.stack || "");
    const head = `${err.name || "Error"}: ${err.message}`;
    return stack.includes(String(err.message)) ? stack : `${head}\n${stack}`;
  }
  return `Uncaught ${util.inspect(err)}`;
}

async function invoke(body) {
  const returnOutput = body.ReturnOutput === true;
  const params = body.Params ?? {};
  const context = body.Context ?? {};
  const capture = new Capture(!returnOutput);
  return await captureStore.run(capture, async () => {
    let success = false;
    let result = "";
    let error = "";
    let began = performance.now();
    try {
      const fn = await resolveHandler(body.Handler);
      began = performance.now(); // the handler's run, not the first import of its module
      let value = fn(params, context);
      if (value !== null && typeof value === "object" && typeof value.then === "function") {
        value = await value;
      }
      result = encodeResult(value);
      success = true;
    } catch (e) {
      error = e instanceof HandlerNotFound ? e.message : errorText(e);
    }
    return {
      Success: success,
      Result: result,
      Output: returnOutput ? capture.text() : "",
      Error: error,
      Duration: (performance.now() - began) / 1000,
    };
  });
}

// ---- HTTP ----------------------------------------------------------------------------------

let initialized = false;

function send(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) {
        reject(Object.assign(new Error(`Body is larger than ${MAX_BODY} bytes`), { status: 413 }));
      } else resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

async function readJson(req, res, failure) {
  let raw;
  try {
    raw = await readBody(req);
  } catch (e) {
    send(res, e.status || 400, { ...failure, Error: e.message });
    return undefined;
  }
  let body;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    send(res, 400, { ...failure, Error: `Invalid JSON body: ${e.message}` });
    return undefined;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    send(res, 400, { ...failure, Error: "Invalid JSON body: expected an object" });
    return undefined;
  }
  return body;
}

async function postInit(req, res) {
  const failure = { Initialized: false };
  const body = await readJson(req, res, failure);
  if (body === undefined) return;
  if (initialized) {
    send(res, 409, { Initialized: true, Error: "Executor is already initialized" });
    return;
  }
  let files;
  try {
    files = parseFiles(body);
  } catch (e) {
    send(res, 400, { ...failure, Error: `Invalid init request: ${e.message}` });
    return;
  }
  try {
    writeFiles(files);
  } catch (e) {
    send(res, 500, { ...failure, Error: `Cannot write function code: ${e.message}` });
    return;
  }
  initialized = true;
  send(res, 200, { Initialized: true });
}

function invokeProblem(body) {
  if (typeof body.Handler !== "string" || body.Handler === "") {
    return "Handler must be a non-empty string";
  }
  const isObject = (v) =>
    v === undefined || v === null || (typeof v === "object" && !Array.isArray(v));
  if (!isObject(body.Params)) return "Params must be an object";
  if (!isObject(body.Context)) return "Context must be an object";
  if (
    body.ReturnOutput !== undefined && body.ReturnOutput !== null &&
    typeof body.ReturnOutput !== "boolean"
  ) {
    return "ReturnOutput must be a boolean";
  }
  return undefined;
}

async function postInvoke(req, res) {
  const failure = { Success: false, Result: "", Output: "" };
  const body = await readJson(req, res, failure);
  if (body === undefined) return;
  if (!initialized) {
    send(res, 409, { ...failure, Error: "Executor is not initialized" });
    return;
  }
  const problem = invokeProblem(body);
  if (problem !== undefined) {
    send(res, 400, { ...failure, Error: `Invalid invoke request: ${problem}` });
    return;
  }
  send(res, 200, await invoke(body));
}

async function onRequest(req, res) {
  const route = (req.url || "/").split("?", 1)[0];
  const method = req.method;
  try {
    if (route === "/health" && method === "GET") {
      send(res, 200, { Ready: true, Initialized: initialized });
    } else if (route === "/invoke" && method === "POST") {
      await postInvoke(req, res);
    } else if (route === "/init" && method === "POST") {
      await postInit(req, res);
    } else if (route === "/health" || route === "/invoke" || route === "/init") {
      send(res, 405, { Error: `Method ${method} is not allowed on ${route}` });
    } else {
      send(res, 404, { Error: `No route ${req.url}` });
    }
  } catch (e) {
    realStderrWrite(`executor: internal error: ${errorText(e)}\n`);
    if (!res.headersSent) send(res, 500, { Error: `Internal executor error: ${e && e.message}` });
  }
}

// Function code must never take the executor down: errors escaping from timers or unawaited
// promises are logged to the container's stderr.
process.on("uncaughtException", (err) => {
  realStderrWrite(`executor: uncaught exception in function code: ${errorText(err)}\n`);
});
process.on("unhandledRejection", (reason) => {
  realStderrWrite(`executor: unhandled rejection in function code: ${errorText(reason)}\n`);
});
// As PID 1 in a container, default signal actions are ignored: stop explicitly.
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));

// Node's server hands on a connection's pipelined requests at once; they run here one after
// the other, in order, each once the one before is answered, as the image's label
// serverledge.executor.pipelining="sequential" promises (the node may write a call behind the
// one under way). Requests on different connections still run at once.
const connectionTurns = new WeakMap();
function inTurn(req, res) {
  const before = connectionTurns.get(req.socket);
  const run = () => onRequest(req, res);
  const turn = (before ? before.then(run) : run()).catch((e) => {
    realStderrWrite(`executor: internal error: ${errorText(e)}\n`);
  });
  connectionTurns.set(req.socket, turn);
}

fs.mkdirSync(CODE_DIR, { recursive: true });
const server = http.createServer({ noDelay: true }, inTurn);
server.keepAliveTimeout = 0; // keep idle connections until the client closes them
const where = SOCKET ? `unix:${SOCKET}` : `0.0.0.0:${PORT}`;
const listening = () =>
  realStdoutWrite(
    `executor: node ${process.version} listening on ${where}, code dir ${CODE_DIR}\n`,
  );
if (SOCKET) {
  // A stale socket left there is replaced.
  if (fs.lstatSync(SOCKET, { throwIfNoEntry: false })?.isSocket()) fs.unlinkSync(SOCKET);
  server.listen(SOCKET, listening);
} else {
  server.on("connection", (socket) => socket.setNoDelay(true));
  server.listen(PORT, "0.0.0.0", listening);
}
