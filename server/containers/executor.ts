/**
 * The node's side of the executor contract (see `protocol/executor.ts`): readiness, code push
 * and invocation over HTTP/1.1 keep-alive connections to a container's published port. This is
 * the only module that talks to executors; the pool hands out containers that carry one.
 *
 * @module
 */
import { encodeBase64 } from "../../protocol/base64.ts";
import type {
  CodeFile,
  ExecutorInitBody,
  ExecutorReply,
  ExecutorRequest,
} from "../../protocol/executor.ts";
import { sleep } from "../timing/sleep.ts";

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

/** A function's code ready for `POST /init`: encoded once, sent to every new container. */
export interface ExecutorCode {
  /**
   * The JSON body of `POST /init`, UTF-8 (bytes, so that the worker that checks and encodes
   * code can hand it over without a copy).
   */
  readonly initBody: Uint8Array<ArrayBuffer>;
  /** Number of files. */
  readonly files: number;
}

/**
 * Encodes checked files for `POST /init` (once per function version).
 *
 * @example
 * ```ts
 * import { encodeExecutorCode } from "./executor.ts";
 *
 * const code = encodeExecutorCode([
 *   { path: "hello.py", mode: 0o644, data: new TextEncoder().encode("def handler(p, c): ...") },
 * ]);
 * console.log(code.files); // 1
 * ```
 */
export function encodeExecutorCode(files: readonly CodeFile[]): ExecutorCode {
  const body: ExecutorInitBody = {
    Files: files.map((f) => ({ Path: f.path, Mode: f.mode, Data: encodeBase64(f.data) })),
  };
  return { initBody: new TextEncoder().encode(JSON.stringify(body)), files: files.length };
}

/** The executor of one container, as the pool and the invoker use it. */
export interface Executor {
  /** Base URL of the executor, e.g. `http://127.0.0.1:32768`. */
  readonly url: string;
  /** Resolves once the executor answers, or throws an `ExecutorError` after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /** Pushes the function's code (`POST /init`); `signal` aborts it. */
  init(code: ExecutorCode, signal?: AbortSignal): Promise<void>;
  /** Runs one invocation; `signal` aborts it (the container is then treated as broken). */
  invoke(request: ExecutorRequest, signal: AbortSignal): Promise<ExecutorReply>;
}

const READY_POLL_MS = 4;
const READY_PROBE_TIMEOUT_MS = 1000;
const INIT_TIMEOUT_MS = 30_000;

/** {@linkcode Executor} reached over HTTP at a URL. */
export class HttpExecutor implements Executor {
  /** @inheritdoc */
  readonly url: string;

  /** @param url base URL of the executor */
  constructor(url: string) {
    this.url = url;
  }

  /** Polls `GET /health` until it answers 2xx. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.url}/health`, {
          signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (response.ok) return;
      } catch (error) {
        lastError = error;
      }
      await sleep(READY_POLL_MS);
    }
    throw new ExecutorError(
      "timeout",
      `Executor at ${this.url} did not become ready within ${timeoutMs} ms`,
      { cause: lastError },
    );
  }

  /** @inheritdoc */
  async init(code: ExecutorCode, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(INIT_TIMEOUT_MS);
    const response = await this.#post(
      "/init",
      code.initBody,
      signal ? AbortSignal.any([timeout, signal]) : timeout,
    );
    const text = await response.text();
    if (!response.ok) {
      throw new ExecutorError(
        "protocol",
        `Executor refused the code (${response.status}): ${text}`,
      );
    }
  }

  /** @inheritdoc */
  async invoke(request: ExecutorRequest, signal: AbortSignal): Promise<ExecutorReply> {
    const response = await this.#post("/invoke", JSON.stringify(request), signal);
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

  async #post(path: string, body: BodyInit, signal: AbortSignal): Promise<Response> {
    try {
      return await fetch(this.url + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new ExecutorError("timeout", "Invocation timed out", { cause: error });
      }
      throw new ExecutorError("unreachable", `Executor at ${this.url} is unreachable`, {
        cause: error,
      });
    }
  }
}
