/**
 * Everything the node records about its requests, in one place: the counters `/status` shows,
 * the Prometheus series of `/metrics`, and the live `invocation` events of `/events` (workflow
 * runs in `workflow_telemetry.ts`).
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { InvocationEvent } from "../../protocol/status.ts";
import { InvocationCounters, type Placement } from "./counters.ts";
import { EventHub } from "./event_hub.ts";
import { Counter, Histogram } from "./prometheus.ts";
import { WorkflowTelemetry } from "./workflow_telemetry.ts";

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The node's request telemetry. */
export class Telemetry {
  /** Totals for `/status`. */
  readonly counters = new InvocationCounters();
  /** Live events for `/events`. */
  readonly events = new EventHub();
  /** Workflow runs and their steps. */
  readonly workflows = new WorkflowTelemetry(this.events);
  readonly #invocations = new Counter(
    "serverledge_invocations_total",
    "Requests by function, outcome (success, failure, dropped) and scheduling action",
  );
  readonly #coldStarts = new Counter(
    "serverledge_cold_starts_total",
    "Cold starts on this node by function",
  );
  readonly #offloads = new Counter(
    "serverledge_offloads_total",
    "Requests offloaded by target kind (edge, cloud) and node",
  );
  readonly #received = new Counter(
    "serverledge_offloads_received_total",
    "Requests other nodes offloaded to this one, by node",
  );
  readonly #duration = new Histogram(
    "serverledge_invocation_duration_seconds",
    "Run time of functions on this node",
    DURATION_BUCKETS,
  );
  readonly #responseTime = new Histogram(
    "serverledge_response_time_seconds",
    "Response time of requests, wherever they ran",
    DURATION_BUCKETS,
  );

  /** Records a request that ran (here, or at `peer` when offloaded). */
  ran(fn: string, placement: Placement, report: ExecutionReport, peer?: string): void {
    const coldStart = placement === "local" && !report.IsWarmStart;
    this.counters.ran(placement, report.Success, coldStart, peer);
    const outcome = report.Success ? "success" : "failure";
    this.#invocations.inc({ function: fn, outcome, sched_action: report.SchedAction });
    if (coldStart) this.#coldStarts.inc({ function: fn });
    if (placement === "local") this.#duration.observe({ function: fn }, report.Duration);
    else this.#offloads.inc({ kind: placement, node: peer ?? "" });
    this.#responseTime.observe({ function: fn }, report.ResponseTime);
    if (this.events.size === 0) return; // nobody follows /events: no event to build
    const event: InvocationEvent = {
      Function: fn,
      Success: report.Success,
      SchedAction: report.SchedAction,
      ExecutedOn: report.ExecutedOn,
      ResponseTime: report.ResponseTime,
      IsWarmStart: report.IsWarmStart,
      ...(report.Error ? { Error: report.Error } : {}),
      Time: Date.now(),
    };
    this.events.emit("invocation", event);
  }

  /** Records a request refused for lack of capacity or a failed peer. */
  drop(fn: string, reason: string): void {
    this.counters.drop();
    this.#invocations.inc({ function: fn, outcome: "dropped", sched_action: "" });
    const event: InvocationEvent = {
      Function: fn,
      Success: false,
      SchedAction: "D",
      Error: reason,
      Time: Date.now(),
    };
    this.events.emit("invocation", event);
  }

  /** Records a request offloaded to this node by `from`. */
  receive(from: string): void {
    this.counters.receive(from);
    this.#received.inc({ node: from });
  }

  /** The request series in Prometheus text format. */
  render(): string {
    return [
      this.#invocations,
      this.#coldStarts,
      this.#offloads,
      this.#received,
      this.#duration,
      this.#responseTime,
      this.workflows,
    ].map((m) => m.render()).join("\n");
  }
}
