/**
 * The node's side of the executor contract (DESIGN §5): readiness, code push and invocation
 * over HTTP/1.1 keep-alive connections to a container's published port.
 *
 * @module
 */
import { encodeBase64 } from "../functions/code_archive.ts";
import type { CodeFile } from "../functions/code_archive.ts";
import { sleep } from "../timing/sleep.ts";

/** What an executor answers to `POST /invoke`. */
export interface ExecutorReply {
  /** Whether the handler returned normally. */
  Success: boolean;
  /** JSON text of the handler's return value. */
  Result: string;
  /** Captured stdout/stderr when asked for. */
  Output: string;
  /** Error text and stack when `Success` is false. */
  Error?: string;
}

/** What the node sends to `POST /invoke`. */
export interface ExecutorRequest {
  /** Handler as stored in the function definition. */
  Handler: string;
  /** Invocation parameters. */
  Params: Record<string, unknown>;
  /** Whether to capture and return output. */
  ReturnOutput: boolean;
  /** Invocation context given to the handler as its second argument. */
  Context: Record<string, unknown>;
}

/** Why talking to an executor failed. */
export type ExecutorFailure = "unreachable" | "timeout" | "protocol";

/** An executor could not be reached, timed out or broke the contract. */
export class ExecutorError extends Error {
  /** What went wrong. */
  readonly failure: ExecutorFailure;

  /** @param failure what went wrong @param message details */
  constructor(failure: ExecutorFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.failure = failure;
    this.name = "ExecutorError";
  }
}

const READY_POLL_MS = 4;

/** Resolves once the executor at `url` answers `GET /health`, or throws after `timeoutMs`. */
export async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(READY_POLL_MS);
  }
  throw new ExecutorError(
    "timeout",
    `Executor at ${url} did not become ready within ${timeoutMs} ms`,
    { cause: lastError },
  );
}

/** Pushes a function's code to a fresh executor (`POST /init`). */
export async function initExecutor(url: string, files: CodeFile[]): Promise<void> {
  const body = JSON.stringify({
    Files: files.map((f) => ({ Path: f.path, Mode: f.mode, Data: encodeBase64(f.data) })),
  });
  const response = await post(url, "/init", body, AbortSignal.timeout(30_000));
  const text = await response.text();
  if (!response.ok) {
    throw new ExecutorError("protocol", `Executor refused the code (${response.status}): ${text}`);
  }
}

/** Runs one invocation; `signal` aborts it (the caller then treats the container as broken). */
export async function invokeExecutor(
  url: string,
  request: ExecutorRequest,
  signal: AbortSignal,
): Promise<ExecutorReply> {
  const response = await post(url, "/invoke", JSON.stringify(request), signal);
  let reply: unknown;
  try {
    reply = await response.json();
  } catch (error) {
    if (signal.aborted) {
      throw new ExecutorError("timeout", "Invocation timed out", { cause: error });
    }
    throw new ExecutorError("protocol", `Executor answered ${response.status} without JSON`, {
      cause: error,
    });
  }
  if (typeof reply !== "object" || reply === null || !("Success" in reply)) {
    throw new ExecutorError("protocol", `Executor answered ${response.status} without a report`);
  }
  const { Success, Result, Output, Error: error } = reply as Partial<ExecutorReply>;
  return {
    Success: Success === true,
    Result: typeof Result === "string" ? Result : "",
    Output: typeof Output === "string" ? Output : "",
    Error: typeof error === "string" ? error : undefined,
  };
}

async function post(url: string, path: string, body: string, signal: AbortSignal) {
  try {
    return await fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal,
    });
  } catch (error) {
    if (signal.aborted) {
      throw new ExecutorError("timeout", "Invocation timed out", { cause: error });
    }
    throw new ExecutorError("unreachable", `Executor at ${url} is unreachable`, { cause: error });
  }
}
