/**
 * Decides where each request runs and runs it there: the scheduling policy gives an ordered
 * plan (here, edge neighbours, cloud nodes) from what the local pool expects (a free slot, or
 * the wait in the function's queue) and what is known of the peers; the dispatcher tries it in
 * order, falling back when the local pool refuses or a peer fails (one retry elsewhere at
 * most), and counts the outcome. A request may wait here up to its `QoSMaxRespT`, else its
 * function's timeout, capped by `scheduler.queue.maxwait`.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { SchedulingPolicyName } from "../../protocol/policies.ts";
import type { ClusterView } from "../cluster/cluster_view.ts";
import { OverloadedError, UnavailableError } from "../errors.ts";
import type { Telemetry } from "../metrics/telemetry.ts";
import type { ContainerPool, PoolOutlook } from "../pool/pool.ts";
import type { DurationEstimates } from "../scheduling/estimates.ts";
import { plan, type Target } from "../scheduling/policies.ts";
import { inSpan, startSpan } from "../tracing/tracing.ts";
import type { Invocation } from "./invocation.ts";
import type { Invoker } from "./invoker.ts";
import { forwardInvocation, OffloadError } from "./offload.ts";

/** Options of {@linkcode Dispatcher}. */
export interface DispatcherOptions {
  /** This node's id. */
  nodeId: string;
  /** Whether this node is a cloud node. */
  isCloud: boolean;
  /** `scheduler.policy`. */
  policy: SchedulingPolicyName;
  /** Local execution. */
  invoker: Invoker;
  /** Local capacity. */
  pool: ContainerPool;
  /** Other nodes and their load. */
  cluster: ClusterView;
  /** Records outcomes. */
  telemetry: Telemetry;
  /** Measured durations, fed by local runs. */
  estimates: DurationEstimates;
  /** Seconds a request may wait for a local slot at most (`scheduler.queue.maxwait`). */
  maxWaitSeconds: number;
  /** Headers sent with every offloaded request (the cluster credential). @default none */
  peerHeaders?: Readonly<Record<string, string>>;
}

/** Remote targets tried for one request: the first choice and one retry. */
const MAX_REMOTE_ATTEMPTS = 2;

/** Schedules and runs invocations. */
export class Dispatcher {
  readonly #options: DispatcherOptions;

  /** @param options policy, local services and cluster view */
  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /**
   * Runs `invocation` where the policy says (here when another node sent it). Throws
   * `OverloadedError` (429) when no place has capacity, `UnavailableError` (503) when the
   * chosen peers failed and nothing else could run it.
   */
  async dispatch(invocation: Invocation): Promise<ExecutionReport> {
    const { telemetry, cluster, pool, estimates } = this.#options;
    const { fn, request, origin } = invocation;
    const name = fn.definition.Name;
    if (origin) telemetry.receive(origin);
    const maxWaitS = this.#waitLimit(invocation);
    const scheduling = startSpan("schedule", { "serverledge.policy": this.#options.policy });
    const targets = plan({
      policy: this.#options.policy,
      isCloud: this.#options.isCloud,
      canOffload: request.CanDoOffloading && !origin,
      qosClass: request.QoSClass,
      maxResponseTime: request.QoSMaxRespT,
      fn: { name, memoryMB: fn.definition.MemoryMB },
      local: new LazyOutlook(() => pool.outlook(fn.pool, maxWaitS)),
      neighbours: cluster.neighbours(),
      clouds: cluster.clouds(),
      estimate: estimates.of(name),
    });
    scheduling?.setAttribute("serverledge.plan", targets.map(describeTarget)).end();
    const failures: Error[] = [];
    let remoteAttempts = 0;
    for (const target of targets) {
      if (target.kind !== "local" && remoteAttempts++ === MAX_REMOTE_ATTEMPTS) break;
      try {
        return await this.#runOn(target, invocation, maxWaitS);
      } catch (error) {
        if (error instanceof OffloadError && target.kind !== "local") {
          cluster.markUnreachable(target.peer.id);
          if (!error.retryable) {
            telemetry.drop(name, error.message);
            throw new UnavailableError(error.message, { cause: error });
          }
        } else if (!(error instanceof OverloadedError)) throw error;
        failures.push(error as Error);
      }
    }
    const dropped = this.#dropError(name, failures, remoteAttempts > 0 ? undefined : invocation);
    telemetry.drop(name, dropped.message);
    throw dropped;
  }

  /**
   * Seconds `invocation` may still wait for a local slot: its `QoSMaxRespT` when given, else
   * its function's timeout, capped by `scheduler.queue.maxwait`, less the time since it arrived.
   */
  #waitLimit(invocation: Invocation): number {
    const { request, fn } = invocation;
    const limit = request.QoSMaxRespT > 0 ? request.QoSMaxRespT : fn.definition.Timeout;
    const elapsed = (performance.now() - invocation.arrival) / 1000;
    return Math.max(0, Math.min(limit, this.#options.maxWaitSeconds) - elapsed);
  }

  async #runOn(
    target: Target,
    invocation: Invocation,
    maxWaitS: number,
  ): Promise<ExecutionReport> {
    const { telemetry, estimates, invoker, nodeId } = this.#options;
    const name = invocation.fn.definition.Name;
    if (target.kind === "local") {
      const report = await invoker.invoke(invocation, maxWaitS);
      if (report.Success) estimates.record(name, report.Duration, report.InitTime);
      telemetry.ran(name, "local", report);
      return report;
    }
    const report = await inSpan(`offload ${target.peer.id}`, {
      "serverledge.peer": target.peer.id,
      "serverledge.peer.kind": target.kind,
    }, () =>
      forwardInvocation(target.peer, invocation, {
        self: nodeId,
        headers: this.#options.peerHeaders ?? {},
      }));
    telemetry.ran(name, target.kind, report, target.peer.id);
    return report;
  }

  /**
   * Why `functionName` was dropped after `failures`; `alone` is the invocation when no other node
   * was tried, so that the message says why none could take it.
   */
  #dropError(functionName: string, failures: Error[], alone?: Invocation): Error {
    const name = `Function "${functionName}"`;
    if (failures.length === 0) {
      return new OverloadedError(
        `${name} was dropped: policy "${this.#options.policy}" found no node to run it`,
      );
    }
    const reasons = failures.map((f) => f.message).join("; ");
    if (failures.some((f) => f instanceof OffloadError)) {
      return new UnavailableError(`${name} could not run: ${reasons}`);
    }
    return new OverloadedError(alone ? `${reasons}, and ${this.#noOtherNode(alone)}` : reasons);
  }

  /** Why no other node was tried for `invocation`. */
  #noOtherNode({ request, origin }: Invocation): string {
    const { policy, cluster } = this.#options;
    if (origin) return `it was offloaded here by node "${origin}", so it runs here or nowhere`;
    if (!request.CanDoOffloading) return "the request does not allow offloading (CanDoOffloading)";
    if (policy === "localonly") return 'policy "localonly" runs requests here only';
    if (cluster.neighbours().length === 0 && cluster.clouds().length === 0) {
      return "this node knows no other node to offload it to (set etcd.address or cloud.server.url)";
    }
    return `policy "${policy}" found no other node for it`;
  }
}

/** A target of the plan as a span records it: `local`, or the kind and id of a peer. */
function describeTarget(target: Target): string {
  return target.kind === "local" ? "local" : `${target.kind}:${target.peer.id}`;
}

/**
 * The pool's outlook, computed when the plan first reads it: a plan with nowhere else to send
 * the request reads none of it, and the forecast costs µs on every request that queues.
 */
class LazyOutlook implements PoolOutlook {
  readonly #outlook: () => PoolOutlook;
  #value: PoolOutlook | undefined;

  /** @param outlook computes the outlook, once */
  constructor(outlook: () => PoolOutlook) {
    this.#outlook = outlook;
  }

  /** @inheritdoc */
  get free(): boolean {
    return this.#now().free;
  }

  /** @inheritdoc */
  get wait(): number {
    return this.#now().wait;
  }

  /** @inheritdoc */
  get accepts(): boolean {
    return this.#now().accepts;
  }

  #now(): PoolOutlook {
    return this.#value ??= this.#outlook();
  }
}
