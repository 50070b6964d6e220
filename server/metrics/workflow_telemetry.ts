/**
 * What the node records of workflow runs: invocations by workflow and outcome, the duration
 * of each state visit (from its entered to its exited step event), and the live `workflow`
 * events of `/events`.
 *
 * @module
 */
import type { WorkflowStepEvent } from "../../protocol/workflow.ts";
import type { EventHub } from "./event_hub.ts";
import { Counter, Histogram } from "./prometheus.ts";

const STATE_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

/** Workflow series of `/metrics` and the `workflow` events. */
export class WorkflowTelemetry {
  readonly #events: EventHub;
  /** When each step still open was entered, by run and step. */
  readonly #entered = new Map<string, number>();
  readonly #invocations = new Counter(
    "serverledge_workflow_invocations_total",
    "Workflow runs by workflow and outcome (success, failure)",
  );
  readonly #stateDuration = new Histogram(
    "serverledge_workflow_state_duration_seconds",
    "Time from entering a workflow state to leaving it, by workflow, state and type",
    STATE_BUCKETS,
  );

  /** @param events where `workflow` events go */
  constructor(events: EventHub) {
    this.#events = events;
  }

  /** Records a step entered or exited, and tells `/events`. */
  step(event: WorkflowStepEvent): void {
    const key = `${event.ReqId}\n${event.Step}`;
    if (event.Phase === "entered") this.#entered.set(key, event.Time);
    else {
      const since = this.#entered.get(key);
      this.#entered.delete(key);
      if (since !== undefined) {
        const labels = { workflow: event.Workflow, state: event.State, type: event.Type };
        this.#stateDuration.observe(labels, (event.Time - since) / 1000);
      }
    }
    if (this.#events.size > 0) this.#events.emit("workflow", event);
  }

  /** Records a finished run of `workflow` (forgetting the steps it left open). */
  done(reqId: string, workflow: string, success: boolean): void {
    for (const key of this.#entered.keys()) {
      if (key.startsWith(`${reqId}\n`)) this.#entered.delete(key);
    }
    this.#invocations.inc({ workflow, outcome: success ? "success" : "failure" });
  }

  /** The workflow series in Prometheus text format. */
  render(): string {
    return [this.#invocations, this.#stateDuration].map((m) => m.render()).join("\n");
  }
}
