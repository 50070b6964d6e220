/**
 * Runs one invocation on this node: a container from the pool, the executor call under the
 * function's timeout, and a report. A container that timed out, ran out of memory or crashed is
 * removed and never serves again. A container lost before it could serve the request (stopped,
 * removed or paused from outside) is removed too, and the request runs on a new container. A
 * call written behind another (a lease granted behind a call under way, see
 * `pool/calls_behind.ts`) that got no answer because the call ahead got none is dispatched
 * again, this time not behind another call.
 *
 * @module
 */
import type { ExecutorReply } from "../../protocol/executor.ts";
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { ContainerBackend } from "../containers/backend.ts";
import { ExecutorError } from "../containers/executor.ts";
import { FreezeWatch } from "../containers/freeze_watch.ts";
import { UnavailableError } from "../errors.ts";
import type { ContainerPool, Lease, PooledContainer } from "../pool/pool.ts";
import { inSpan, traceContext } from "../tracing/tracing.ts";
import { diagnose } from "./container_fault.ts";
import type { Invocation } from "./invocation.ts";
import { localReport } from "./report.ts";

/** Options of {@linkcode Invoker}. */
export interface InvokerOptions {
  /** This node's id (the reports' `ExecutedOn`). */
  nodeId: string;
  /** Where containers come from. */
  pool: ContainerPool;
  /** Asked why a container died or whether it froze. */
  backend: ContainerBackend;
}

/** Containers tried for one request, when the first ones are lost before serving it. */
export const MAX_CONTAINER_ATTEMPTS = 3;

/**
 * One attempt on one container: the report, why the container was lost, or that the call
 * ahead of this one on the container got no answer.
 */
type _Attempt = { report: ExecutionReport } | { lost: string } | { displaced: true };

/** Runs invocations locally. */
export class Invoker {
  readonly #options: InvokerOptions;

  /** @param options node id, pool and backend */
  constructor(options: InvokerOptions) {
    this.#options = options;
  }

  /**
   * Runs `invocation` here and reports, after waiting at most `maxWaitS` seconds for a slot.
   * Throws `OverloadedError` when the pool has no room in that time,
   * `UnavailableError` when no container can be started or {@linkcode MAX_CONTAINER_ATTEMPTS}
   * containers in a row were lost; failures of the function itself come back as a report
   * with `Success: false`.
   */
  async invoke(invocation: Invocation, maxWaitS: number): Promise<ExecutionReport> {
    const lost: string[] = [];
    let pipelining = true;
    for (;;) {
      const lease = await this.#acquire(invocation, maxWaitS, lost.length > 0, pipelining);
      const attempt = await this.#attempt(invocation, lease);
      if ("report" in attempt) return attempt.report;
      if ("displaced" in attempt) {
        pipelining = false;
        continue;
      }
      lost.push(attempt.lost);
      const name = `Function "${invocation.fn.definition.Name}"`;
      if (lost.length === MAX_CONTAINER_ATTEMPTS) {
        throw new UnavailableError(`${name} found no live container: ${lost.join("; ")}`);
      }
      console.warn(`${name}, request ${invocation.id}: ${attempt.lost}; trying another container`);
    }
  }

  /** A lease for `invocation` (see `ContainerPool.acquire`), in an `acquire` span. */
  #acquire(
    invocation: Invocation,
    maxWaitS: number,
    fresh: boolean,
    pipelining: boolean,
  ): Promise<Lease> {
    return inSpan("acquire", { "serverledge.fresh": fresh }, async (span) => {
      const pool = this.#options.pool;
      const lease = await pool.acquire(invocation.fn.pool, { maxWaitS, fresh, pipelining });
      span?.setAttribute("serverledge.warm", lease.warm);
      return lease;
    });
  }

  /**
   * The executor call, in an `executor.invoke` span whose trace context the executor gets as
   * the `traceparent` header and the function as the `traceparent` field of its context.
   */
  #call(
    invocation: Invocation,
    container: PooledContainer,
    signal: AbortSignal,
    after: Promise<void> | undefined,
  ): Promise<ExecutorReply> {
    const { fn, request, id } = invocation;
    return inSpan("executor.invoke", { "serverledge.container": container.id }, () => {
      const trace = traceContext();
      return container.executor.invoke(
        {
          Handler: fn.definition.Handler,
          Params: request.Params,
          ReturnOutput: request.ReturnOutput,
          Context: { FunctionName: fn.definition.Name, RequestId: id, ...trace },
        },
        signal,
        trace,
        after,
      );
    });
  }

  async #attempt(invocation: Invocation, lease: Lease): Promise<_Attempt> {
    const { pool, nodeId, backend } = this.#options;
    const { fn } = invocation;
    const { container } = lease;
    const started = performance.now();
    const sentAt = Date.now();
    const watch = new FreezeWatch(backend, container.id, {
      timeoutMs: fn.definition.Timeout * 1000,
      startsAfter: lease.behind,
    });
    let broken = false;
    try {
      const reply = await this.#call(invocation, container, watch.signal, lease.behind);
      lease.workSeconds = reply.Duration;
      return {
        report: localReport(invocation, lease, started, {
          Success: reply.Success,
          Result: reply.Success ? reply.Result : "",
          Output: reply.Output,
          ...(reply.Success ? {} : { Error: reply.Error ?? "Function failed" }),
        }, nodeId),
      };
    } catch (error) {
      if (!(error instanceof ExecutorError)) throw error;
      if (error.failure === "displaced") return { displaced: true };
      broken = true;
      watch.stop();
      const fault = await diagnose(backend, {
        error,
        definition: fn.definition,
        containerId: container.id,
        sentAt,
        frozen: watch.frozen,
      });
      if (fault.kind === "lost") return { lost: fault.reason };
      return {
        report: localReport(invocation, lease, started, {
          Success: false,
          Result: "",
          Output: "",
          Error: fault.error,
        }, nodeId),
      };
    } finally {
      watch.stop();
      pool.release(lease, broken).catch((error) =>
        console.error(`Could not release container ${container.id}:`, error)
      );
    }
  }
}
