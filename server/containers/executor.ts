/**
 * The node's side of the executor contract (see `protocol/executor.ts`): readiness, code push
 * and invocation over HTTP/1.1 keep-alive connections (`server/http/client.ts`) to a
 * container's Unix socket or published port. This is the only module that talks to executors;
 * the pool hands out containers that carry one.
 *
 * @module
 */
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import type {
  CodeFile,
  ExecutorInitBody,
  ExecutorReply,
  ExecutorRequest,
} from "../../protocol/executor.ts";
import { type HttpAddress, HttpClient, HttpClientError } from "../http/client.ts";
import { sleep } from "../timing/sleep.ts";
import {
  contractFromHealth,
  type ExecutorContract,
  type KnownContract,
  readReply,
  toServerledgeRequest,
} from "./executor_contract.ts";

/**
 * Why talking to an executor failed; `displaced`: a call pipelined behind another that got no
 * answer, which an executor answering its calls in turn never ran.
 */
export type ExecutorFailure = "unreachable" | "timeout" | "protocol" | "displaced";

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
  /**
   * The files as a tar archive, for images of Serverledge's contract (the code copied into the
   * container before it starts); only for `custom` functions with code.
   */
  readonly archive?: Uint8Array<ArrayBuffer>;
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
export function encodeExecutorCode(
  files: readonly CodeFile[],
  options: { archive?: boolean } = {},
): ExecutorCode {
  const body: ExecutorInitBody = {
    Files: files.map((f) => ({ Path: f.path, Mode: f.mode, Data: encodeBase64(f.data) })),
  };
  const archive = options.archive && files.length > 0
    ? new Uint8Array(writeTar(files.map((f) => ({ name: f.path, data: f.data, mode: f.mode }))))
    : undefined;
  return {
    initBody: new TextEncoder().encode(JSON.stringify(body)),
    ...(archive ? { archive } : {}),
    files: files.length,
  };
}

/** The executor of one container, as the pool and the invoker use it. */
export interface Executor {
  /** Where the executor is, for messages: `unix:<socket path>` or `http://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * The contract it speaks (see `executor_contract.ts`), known once it is ready; absent for
   * this node's own.
   */
  readonly contract?: ExecutorContract;
  /**
   * Whether it answers the calls of one connection one at a time, in order, starting each once
   * the one before is answered (its image's `serverledge.executor.pipelining` label): then a
   * call may be written behind the one under way (see {@linkcode Executor.invoke}).
   */
  readonly pipelining?: boolean;
  /** Resolves once the executor answers, or throws an `ExecutorError` after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<void>;
  /**
   * Pushes the function's code (`POST /init`); `signal` aborts it. An executor of Serverledge's
   * contract found it in its container already: nothing to send.
   */
  init(code: ExecutorCode, signal?: AbortSignal): Promise<void>;
  /**
   * Runs one invocation; `signal` aborts it (the container is then treated as broken);
   * `headers` go with it (the W3C trace context of the executor call). With `after`, on an
   * executor that pipelines, the call is written at once behind the one under way, if any, and
   * else sent once `after` settles (the call ahead ended); when the call ahead gets no answer,
   * this one fails as `displaced`.
   */
  invoke(
    request: ExecutorRequest,
    signal: AbortSignal,
    headers?: Readonly<Record<string, string>>,
    after?: Promise<unknown>,
  ): Promise<ExecutorReply>;
}

const READY_POLL_MS = 4;
const READY_PROBE_TIMEOUT_MS = 1000;
const INIT_TIMEOUT_MS = 30_000;
/** Largest answer an executor may send; a larger one is a broken executor. */
export const MAX_EXECUTOR_REPLY_BYTES = 64 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** {@linkcode Executor} reached over HTTP/1.1 on a Unix socket or a TCP port. */
export class HttpExecutor implements Executor {
  /** @inheritdoc */
  readonly url: string;
  /** @inheritdoc */
  readonly pipelining: boolean;
  readonly #client: HttpClient;
  #contract: ExecutorContract;
  readonly #learned?: (contract: KnownContract) => void;

  /**
   * @param address the executor's socket or port
   * @param options.contract what its image is known to speak @default "init"
   * @param options.learned told the contract once an executor of an `unknown` one answered
   * @param options.pipelining whether it answers a connection's calls in turn @default false
   */
  constructor(
    address: HttpAddress,
    options: {
      contract?: ExecutorContract;
      learned?: (contract: KnownContract) => void;
      pipelining?: boolean;
    } = {},
  ) {
    this.#client = new HttpClient(address, { maxBodyBytes: MAX_EXECUTOR_REPLY_BYTES });
    this.url = this.#client.label;
    this.#contract = options.contract ?? "init";
    this.#learned = options.learned;
    this.pipelining = options.pipelining ?? false;
  }

  /** @inheritdoc */
  get contract(): ExecutorContract {
    return this.#contract;
  }

  /**
   * Polls `GET /health` until its answer tells the contract (see `contractFromHealth`): any
   * answer for Serverledge's, which has no such route.
   */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        const { status } = await this.#client.request({
          method: "GET",
          path: "/health",
          signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS),
        });
        const contract = contractFromHealth(this.#contract, status);
        if (contract) {
          if (this.#contract === "unknown") this.#learned?.(contract);
          this.#contract = contract;
          return;
        }
        lastError = new Error(`GET /health answered ${status}`);
      } catch (error) {
        lastError = error;
      }
      await sleep(READY_POLL_MS);
    }
    throw new ExecutorError(
      "timeout",
      `Executor at ${this.url} did not become ready within ${timeoutMs} ms (${
        (lastError as Error | undefined)?.message ?? "no answer"
      }): an image must serve HTTP, either GET /health, POST /init and POST /invoke, or only ` +
        `POST /invoke on port 8080 (Serverledge's contract)`,
      { cause: lastError },
    );
  }

  /** @inheritdoc */
  async init(code: ExecutorCode, signal?: AbortSignal): Promise<void> {
    if (this.#contract === "serverledge") return;
    const timeout = AbortSignal.timeout(INIT_TIMEOUT_MS);
    const { status, body } = await this.#post(
      "/init",
      code.initBody,
      signal ? AbortSignal.any([timeout, signal]) : timeout,
    );
    if (status < 200 || status >= 300) {
      throw new ExecutorError(
        "protocol",
        `Executor refused the code (${status}): ${decoder.decode(body)}`,
      );
    }
  }

  /** @inheritdoc */
  async invoke(
    request: ExecutorRequest,
    signal: AbortSignal,
    headers?: Readonly<Record<string, string>>,
    after?: Promise<unknown>,
  ): Promise<ExecutorReply> {
    if (after && !this.pipelining) {
      await after;
      after = undefined;
    }
    const { status, body } = await this.#post(
      "/invoke",
      encoder.encode(
        JSON.stringify(this.#contract === "serverledge" ? toServerledgeRequest(request) : request),
      ),
      signal,
      headers,
      after,
    );
    let reply: unknown;
    try {
      reply = JSON.parse(decoder.decode(body));
    } catch (error) {
      throw new ExecutorError("protocol", `Executor answered ${status} without JSON`, {
        cause: error,
      });
    }
    const report = readReply(reply);
    if (!report) {
      throw new ExecutorError("protocol", `Executor answered ${status} without a report`);
    }
    return report;
  }

  /** Closes the connections to the executor (once its container is removed). */
  close(): void {
    this.#client.close();
  }

  async #post(
    path: string,
    body: Uint8Array,
    signal: AbortSignal,
    headers?: Readonly<Record<string, string>>,
    after?: Promise<unknown>,
  ) {
    try {
      return await this.#client.request({
        method: "POST",
        path,
        body,
        contentType: "application/json",
        headers: headers && Object.entries(headers),
        signal,
        after,
      });
    } catch (error) {
      if (!(error instanceof HttpClientError)) throw error;
      if (error.failure === "aborted") {
        throw new ExecutorError("timeout", "Invocation timed out", { cause: error });
      }
      if (error.failure === "displaced") {
        throw new ExecutorError("displaced", `Executor at ${this.url}: ${error.message}`, {
          cause: error,
        });
      }
      if (error.failure === "protocol") {
        throw new ExecutorError(
          "protocol",
          `Executor at ${this.url} broke HTTP: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      throw new ExecutorError("unreachable", `Executor at ${this.url} is unreachable`, {
        cause: error,
      });
    }
  }
}
