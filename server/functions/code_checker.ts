/**
 * The code checker: runs the checks of `code_checks.ts` in a worker, so that decoding,
 * unpacking and checking a function's code (seconds for a decompression bomb, tens of MB for a
 * large function) never blocks the event loop that serves invocations. Jobs run one after the
 * other in one worker; a create body is handed over without a copy, and so is the encoded code
 * coming back. A worker that dies fails the jobs it held (503) and is replaced for the next.
 * The worker (a V8 isolate of its own, about 8 MB) runs only while there is work: it starts with
 * the first job and stops once no job came for a while.
 *
 * @module
 */
import { HttpError, UnavailableError } from "../errors.ts";
import type { CheckedFunction } from "./code_checks.ts";
import type { DefinitionLimits } from "./parse_definition.ts";

/** A job for the worker. */
export type CheckJob =
  | { id: number; kind: "body"; body: Uint8Array[]; limits: DefinitionLimits }
  | { id: number; kind: "stored"; stored: unknown; limits: DefinitionLimits };

/** The worker's answer to a job: the checked function, or why it failed. */
export type CheckReply =
  | { id: number; checked: CheckedFunction }
  | { id: number; failure: { status?: number; message: string } };

interface Pending {
  resolve(checked: CheckedFunction): void;
  reject(error: Error): void;
}

const WORKER = new URL("./check_worker.ts", import.meta.url);
/** How long a worker without jobs is kept, by default: a burst of creates starts one worker. */
const DEFAULT_IDLE_MS = 60_000;

/** Options of {@linkcode CodeChecker}. */
export interface CodeCheckerOptions {
  /**
   * Milliseconds the worker is kept once it has no job left; the next job starts a new one
   * (which blocks the event loop for about 15 ms).
   *
   * @default {60000}
   */
  idleMs?: number;
}

/**
 * Checks function code off the main thread; `using` closes it. The worker starts with the first
 * job and stops {@linkcode CodeCheckerOptions.idleMs} after the last one; while it runs it keeps
 * the process alive, so a checker must be closed.
 */
export class CodeChecker implements Disposable {
  #nextId = 0;
  #pending = new Map<number, Pending>();
  #closed = false;
  #worker: Worker | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #idleMs: number;

  /** A checker; its worker starts with the first job. */
  constructor(options: CodeCheckerOptions = {}) {
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Whether the worker is running (from the first job until it was idle `idleMs`). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /**
   * Checks a create or update body, given as its raw bytes in one or more chunks (their
   * buffers are handed over to the worker: the caller must not use them afterwards).
   *
   * @throws {HttpError} saying what is wrong with the body
   */
  checkBody(
    body: Uint8Array<ArrayBuffer>[],
    limits: DefinitionLimits,
  ): Promise<CheckedFunction> {
    const transfer = body.map((chunk) => chunk.buffer);
    return this.#run({ id: this.#nextId++, kind: "body", body, limits }, transfer);
  }

  /**
   * Checks a definition read from the registry, every field and its code, as `/create` checks
   * one (keeping its `Version` and `Runtime`).
   *
   * @throws {HttpError} saying what is wrong with it
   */
  checkStored(stored: unknown, limits: DefinitionLimits): Promise<CheckedFunction> {
    return this.#run({ id: this.#nextId++, kind: "stored", stored, limits }, []);
  }

  /** Stops the worker; jobs not done fail with 503. */
  close(): void {
    this.#closed = true;
    this.#stop(new UnavailableError("The node is stopping: the function code was not checked"));
  }

  /** Same as {@linkcode CodeChecker.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #run(job: CheckJob, transfer: Transferable[]): Promise<CheckedFunction> {
    if (this.#closed) {
      return Promise.reject(
        new UnavailableError("The node is stopping: the function code was not checked"),
      );
    }
    clearTimeout(this.#idleTimer);
    const worker = this.#worker ??= this.#start();
    const { promise, resolve, reject } = Promise.withResolvers<CheckedFunction>();
    this.#pending.set(job.id, { resolve, reject });
    worker.postMessage(job, transfer);
    return promise;
  }

  #start(): Worker {
    const worker = new Worker(WORKER, { type: "module" });
    worker.onmessage = (event: MessageEvent<CheckReply>) => {
      const reply = event.data;
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if ("checked" in reply) pending?.resolve(reply.checked);
      else pending?.reject(failureOf(reply.failure));
      if (this.#pending.size === 0) this.#stopWhenIdle();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#stop(new UnavailableError(`The code checker failed (${event.message}): retry`));
    };
    return worker;
  }

  /** Stops the worker `idleMs` from now unless a job comes first. */
  #stopWhenIdle(): void {
    const timer = setTimeout(() => {
      this.#worker?.terminate();
      this.#worker = undefined;
    }, this.#idleMs);
    Deno.unrefTimer(timer);
    this.#idleTimer = timer;
  }

  #stop(error: Error): void {
    clearTimeout(this.#idleTimer);
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** The error a failed job stands for: an `HttpError` with the worker's status and message. */
function failureOf(failure: { status?: number; message: string }): Error {
  return failure.status === undefined
    ? new Error(`The code checker failed: ${failure.message}`)
    : new HttpError(failure.status, failure.message);
}
