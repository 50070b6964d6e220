/**
 * Runs one invocation on this node: a container from the pool, the executor call under the
 * function's timeout, and a report. A container that timed out, ran out of memory or crashed is
 * removed and never serves again.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { ContainerBackend } from "../containers/backend.ts";
import { ExecutorError } from "../containers/executor.ts";
import type { ContainerPool, Lease } from "../pool/pool.ts";
import { sleep } from "../timing/sleep.ts";
import type { Invocation } from "./invocation.ts";
import { localReport } from "./report.ts";

/** Options of {@linkcode Invoker}. */
export interface InvokerOptions {
  /** This node's id (the reports' `ExecutedOn`). */
  nodeId: string;
  /** Where containers come from. */
  pool: ContainerPool;
  /** Asked why a container died. */
  backend: ContainerBackend;
}

const EXIT_SETTLE_MS = 1000;
const EXIT_POLL_MS = 50;

/** Runs invocations locally. */
export class Invoker {
  readonly #options: InvokerOptions;

  /** @param options node id, pool and backend */
  constructor(options: InvokerOptions) {
    this.#options = options;
  }

  /**
   * Runs `invocation` here and reports. Throws `OverloadedError` when the pool has no room,
   * `UnavailableError` when no container can be started; failures of the function itself
   * come back as a report with `Success: false`.
   */
  async invoke(invocation: Invocation): Promise<ExecutionReport> {
    const { pool, nodeId } = this.#options;
    const { fn, request } = invocation;
    const lease = await pool.acquire(fn.pool);
    const started = performance.now();
    let broken = false;
    try {
      const reply = await lease.container.executor.invoke({
        Handler: fn.definition.Handler,
        Params: request.Params,
        ReturnOutput: request.ReturnOutput,
        Context: { FunctionName: fn.definition.Name, RequestId: invocation.id },
      }, AbortSignal.timeout(fn.definition.Timeout * 1000));
      return localReport(invocation, lease, started, {
        Success: reply.Success,
        Result: reply.Success ? reply.Result : "",
        Output: reply.Output,
        ...(reply.Success ? {} : { Error: reply.Error ?? "Function failed" }),
      }, nodeId);
    } catch (error) {
      if (!(error instanceof ExecutorError)) throw error;
      broken = true;
      return localReport(invocation, lease, started, {
        Success: false,
        Result: "",
        Output: "",
        Error: await this.#explain(error, invocation, lease),
      }, nodeId);
    } finally {
      pool.release(lease, broken).catch((error) =>
        console.error(`Could not release container ${lease.container.id}:`, error)
      );
    }
  }

  async #explain(error: ExecutorError, invocation: Invocation, lease: Lease): Promise<string> {
    const { definition } = invocation.fn;
    const name = `Function "${definition.Name}"`;
    if (error.failure === "timeout") {
      return `${name} timed out after ${definition.Timeout} s and was stopped`;
    }
    if (error.failure === "protocol") return `${name} broke its executor: ${error.message}`;
    const exit = await this.#waitForExit(lease.container.id);
    if (exit?.oomKilled) {
      return `${name} exceeded its memory limit of ${definition.MemoryMB} MB and was killed`;
    }
    if (exit && !exit.running) {
      return `${name} crashed: its container exited with code ${exit.exitCode}`;
    }
    return `${name} could not be reached: its container stopped answering`;
  }

  async #waitForExit(id: string) {
    const { backend } = this.#options;
    const deadline = Date.now() + EXIT_SETTLE_MS;
    let exit = await backend.inspectExit(id).catch(() => undefined);
    while (exit?.running && Date.now() < deadline) {
      await sleep(EXIT_POLL_MS);
      exit = await backend.inspectExit(id).catch(() => undefined);
    }
    return exit;
  }
}
