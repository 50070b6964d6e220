/**
 * Async invocations: a `ReqId` is answered at once, the request runs in the background, and its
 * report is stored in the registry for `GET /poll/:reqId`. A pending marker is stored first, so
 * a request cut short by a node restart is reported as failed rather than lost; one cut short by
 * a shutdown is reported as such before the node removes its containers — unless it is
 * resumable (a durable workflow run): that one is aborted and left pending, for the node's next
 * start to resume.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { WorkflowReport } from "../../protocol/workflow.ts";
import { NotFoundError, UnavailableError } from "../errors.ts";
import type { AsyncEntry } from "../../protocol/registry.ts";
import type { Registry } from "../registry/registry.ts";
import { functionsOfRequest } from "./invocation.ts";
import { failedReport } from "./report.ts";
import { backoffDelay } from "../timing/backoff.ts";
import { sleep } from "../timing/sleep.ts";

/** Options of {@linkcode AsyncRequests}. */
export interface AsyncRequestsOptions {
  /** Where entries are stored. */
  registry: Registry;
  /** This node's id (entries record who runs them). */
  nodeId: string;
  /** Seconds reports are kept. */
  ttlSeconds: number;
}

const STORE_ATTEMPTS = 5;

/** The error of a request that was running when the node shut down. */
export const STOPPED_ERROR = "The node stopped before the request completed";
/** The error of a request that was running when the node died (found at its next start). */
export const RESTARTED_ERROR = "The node restarted before the request completed";

/** Tracks async requests of this node. */
export class AsyncRequests {
  readonly #options: AsyncRequestsOptions;
  /** Requests running now: request id → what runs and the task that stores the report. */
  readonly #running = new Map<string, _Running>();
  #stopping = false;

  /** @param options registry, node id and TTL */
  constructor(options: AsyncRequestsOptions) {
    this.#options = options;
  }

  /**
   * Records `reqId` as pending, then runs `run` in the background and stores its report.
   * Resolves once the pending marker is stored. A `resumable` request is aborted (through the
   * signal handed to `run`) and left pending when the node shuts down.
   */
  async submit(
    reqId: string,
    functionName: string,
    run: (signal: AbortSignal) => Promise<ExecutionReport | WorkflowReport>,
    resumable = false,
  ): Promise<void> {
    if (this.#stopping) {
      throw new UnavailableError("Node is shutting down: send the request to another node");
    }
    const { registry, nodeId, ttlSeconds } = this.#options;
    await registry.async.put(
      reqId,
      { Status: "pending", Node: nodeId, Function: functionName, Since: Date.now() },
      ttlSeconds,
    );
    const abort = new AbortController();
    const task = run(abort.signal)
      .catch((error): ExecutionReport => failedReport((error as Error).message))
      .then(async (report) => {
        // A request the shutdown cut short already has its report: this late one is dropped.
        if (this.#running.delete(reqId)) await this.#store(reqId, functionName, report);
      });
    this.#running.set(reqId, { functionName, task, abort, resumable });
  }

  /**
   * The report of `reqId` (an id of this node's or of a Go Serverledge node's, whose result the
   * registry reads at Go's key); `NotFoundError` while it runs, when it is unknown, or when it
   * has the form of no request id.
   */
  async poll(reqId: string): Promise<ExecutionReport | WorkflowReport> {
    functionsOfRequest(reqId); // throws the 404 of an id no request could have
    const entry = await this.#options.registry.async.get(reqId);
    if (!entry) throw new NotFoundError(`Request "${reqId}" is unknown or its report expired`);
    if (entry.Status === "pending") {
      throw new NotFoundError(`Request "${reqId}" is still running`);
    }
    return entry.Report as unknown as ExecutionReport | WorkflowReport;
  }

  /**
   * Marks requests this node left pending (it died while they ran) as failed, but those of
   * `resumed` (they run again).
   */
  async settleLeftovers(resumed: ReadonlySet<string> = new Set()): Promise<number> {
    const pending = await this.#options.registry.async.listPending(this.#options.nodeId);
    const ids = pending.filter((reqId) => !resumed.has(reqId) && !this.#running.has(reqId));
    for (const reqId of ids) {
      const entry = await this.#options.registry.async.get(reqId);
      if (entry?.Status !== "pending") continue;
      await this.#store(reqId, entry.Function, failedReport(RESTARTED_ERROR));
    }
    return ids.length;
  }

  /**
   * Used at shutdown, before the containers are removed: takes no more requests, waits up to
   * `graceMs` for the running ones, then reports those still running with
   * {@linkcode STOPPED_ERROR} (whatever they report later is dropped). Resolves how many were
   * cut short.
   */
  async stop(graceMs: number): Promise<number> {
    this.#stopping = true;
    for (const [reqId, request] of this.#running) {
      if (!request.resumable) continue;
      this.#running.delete(reqId);
      request.abort.abort();
    }
    const tasks = [...this.#running.values()].map((request) => request.task);
    await Promise.race([Promise.allSettled(tasks), sleep(graceMs)]);
    const cut = [...this.#running];
    this.#running.clear();
    for (const [, request] of cut) request.abort.abort();
    await Promise.all(
      cut.map(([reqId, { functionName }]) =>
        this.#store(reqId, functionName, failedReport(STOPPED_ERROR))
      ),
    );
    return cut.length;
  }

  async #store(
    reqId: string,
    functionName: string,
    report: ExecutionReport | WorkflowReport,
  ): Promise<void> {
    const { registry, nodeId, ttlSeconds } = this.#options;
    const entry: AsyncEntry = {
      Status: "done",
      Node: nodeId,
      Function: functionName,
      Report: report as unknown as Record<string, unknown>,
    };
    for (let attempt = 1;; attempt++) {
      try {
        return await registry.async.put(reqId, entry, ttlSeconds);
      } catch (error) {
        if (attempt === STORE_ATTEMPTS) {
          console.error(`Could not store the report of request "${reqId}":`, error);
          return;
        }
        await sleep(backoffDelay(attempt - 1, { firstMs: 400 }));
      }
    }
  }
}

/** A request running now. */
interface _Running {
  /** The function (or workflow) it runs. */
  readonly functionName: string;
  /** Runs it and stores its report. */
  readonly task: Promise<void>;
  /** Aborts it at shutdown. */
  readonly abort: AbortController;
  /** Whether it is left pending at shutdown, to be resumed. */
  readonly resumable: boolean;
}
