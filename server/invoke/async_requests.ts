/**
 * Async invocations: a `ReqId` is answered at once, the request runs in the background, and its
 * report is stored in the registry for `GET /poll/:reqId`. A pending marker is stored first, so
 * a request cut short by a node restart is reported as failed rather than lost.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import { NotFoundError } from "../errors.ts";
import type { AsyncEntry } from "../../protocol/registry.ts";
import type { Registry } from "../registry/registry.ts";
import { functionOfRequest } from "./invocation.ts";
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

/** Tracks async requests of this node. */
export class AsyncRequests {
  readonly #options: AsyncRequestsOptions;
  readonly #inFlight = new Set<Promise<void>>();

  /** @param options registry, node id and TTL */
  constructor(options: AsyncRequestsOptions) {
    this.#options = options;
  }

  /**
   * Records `reqId` as pending, then runs `run` in the background and stores its report.
   * Resolves once the pending marker is stored.
   */
  async submit(
    reqId: string,
    functionName: string,
    run: () => Promise<ExecutionReport>,
  ): Promise<void> {
    const { registry, nodeId, ttlSeconds } = this.#options;
    await registry.async.put(
      reqId,
      { Status: "pending", Node: nodeId, Function: functionName, Since: Date.now() },
      ttlSeconds,
    );
    const task = run()
      .catch((error): ExecutionReport => failedReport((error as Error).message))
      .then((report) => this.#store(reqId, functionName, report))
      .finally(() => this.#inFlight.delete(task));
    this.#inFlight.add(task);
  }

  /**
   * The report of `reqId`; `NotFoundError` while it runs or when it is unknown,
   * `BadRequestError` when it is not a request id at all.
   */
  async poll(reqId: string): Promise<ExecutionReport> {
    functionOfRequest(reqId); // throws the 400 of a malformed id
    const entry = await this.#options.registry.async.get(reqId);
    if (!entry) throw new NotFoundError(`Request "${reqId}" is unknown or its report expired`);
    if (entry.Status === "pending") {
      throw new NotFoundError(`Request "${reqId}" is still running`);
    }
    return entry.Report as unknown as ExecutionReport;
  }

  /** Marks requests this node left pending (it stopped while they ran) as failed. */
  async settleLeftovers(): Promise<number> {
    const ids = await this.#options.registry.async.listPending(this.#options.nodeId);
    for (const reqId of ids) {
      const entry = await this.#options.registry.async.get(reqId);
      if (entry?.Status !== "pending") continue;
      await this.#store(
        reqId,
        entry.Function,
        failedReport("The node restarted before the request completed"),
      );
    }
    return ids.length;
  }

  /** Waits for the requests running now (used at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  async #store(reqId: string, functionName: string, report: ExecutionReport): Promise<void> {
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
