/**
 * Runs one invocation on this node: a container from the pool, the executor call under the
 * function's timeout, and a report. A container that timed out, ran out of memory or crashed is
 * removed and never serves again.
 *
 * @module
 */
import type { ContainerBackend } from "../containers/backend.ts";
import { ExecutorError, invokeExecutor } from "../containers/executor_client.ts";
import type { FunctionDefinition } from "../functions/function.ts";
import type { ContainerPool, Lease } from "../pool/pool.ts";
import type { ExecutionReport } from "./report.ts";
import type { InvocationRequest } from "./request.ts";
import { sleep } from "../timing/sleep.ts";

/** Options of {@linkcode Invoker}. */
export interface InvokerOptions {
  /** Where containers come from. */
  pool: ContainerPool;
  /** Asked why a container died. */
  backend: ContainerBackend;
}

const EXIT_SETTLE_MS = 1000;

/** Runs invocations locally. */
export class Invoker {
  readonly #pool: ContainerPool;
  readonly #backend: ContainerBackend;

  /** @param options pool and backend */
  constructor(options: InvokerOptions) {
    this.#pool = options.pool;
    this.#backend = options.backend;
  }

  /**
   * Runs `request` for `definition` and reports. Throws `OverloadedError` when the pool has no
   * room, `UnavailableError` when no container can be started; failures of the function itself
   * come back as a report with `Success: false`.
   *
   * @param arrival `performance.now()` when the request arrived
   */
  async invoke(
    definition: FunctionDefinition,
    request: InvocationRequest,
    requestId: string,
    arrival: number,
  ): Promise<ExecutionReport> {
    const lease = await this.#pool.acquire(definition);
    const started = performance.now();
    let broken = false;
    try {
      const reply = await invokeExecutor(lease.container.url, {
        Handler: definition.Handler,
        Params: request.Params,
        ReturnOutput: request.ReturnOutput,
        Context: { FunctionName: definition.Name, RequestId: requestId },
      }, AbortSignal.timeout(definition.Timeout * 1000));
      return report(lease, arrival, started, {
        Success: reply.Success,
        Result: reply.Success ? reply.Result : "",
        Output: reply.Output,
        ...(reply.Success ? {} : { Error: reply.Error ?? "Function failed" }),
      });
    } catch (error) {
      if (!(error instanceof ExecutorError)) throw error;
      broken = true;
      return report(lease, arrival, started, {
        Success: false,
        Result: "",
        Output: "",
        Error: await this.#explain(error, definition, lease),
      });
    } finally {
      this.#pool.release(lease, broken).catch((error) =>
        console.error(`Could not release container ${lease.container.id}:`, error)
      );
    }
  }

  async #explain(error: ExecutorError, definition: FunctionDefinition, lease: Lease) {
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
    const deadline = Date.now() + EXIT_SETTLE_MS;
    let exit = await this.#backend.inspectExit(id).catch(() => undefined);
    while (exit?.running && Date.now() < deadline) {
      await sleep(50);
      exit = await this.#backend.inspectExit(id).catch(() => undefined);
    }
    return exit;
  }
}

function report(
  lease: Lease,
  arrival: number,
  started: number,
  outcome: Pick<ExecutionReport, "Success" | "Result" | "Output" | "Error">,
): ExecutionReport {
  const now = performance.now();
  return {
    ...outcome,
    ResponseTime: (now - arrival) / 1000,
    IsWarmStart: lease.warm,
    InitTime: lease.initTime,
    OffloadLatency: 0,
    Duration: (now - started) / 1000,
    SchedAction: "",
  };
}
