/**
 * The node's workflow service: sync runs, async runs made durable in the registry (their
 * journal stored after each task and wait), resumed at the node's start by replay, and the
 * `workflow` events and metrics of each step.
 *
 * @module
 */
import type { StepEvent } from "../../asl/mod.ts";
import type {
  WorkflowReport,
  WorkflowRunState,
  WorkflowStepEvent,
} from "../../protocol/workflow.ts";
import type { FunctionStore } from "../functions/store.ts";
import type { AsyncRequests } from "../invoke/async_requests.ts";
import type { Dispatcher } from "../invoke/dispatcher.ts";
import { newRequestId } from "../invoke/invocation.ts";
import type { Telemetry } from "../metrics/telemetry.ts";
import type { Registry } from "../registry/registry.ts";
import { parseMachine } from "./definition.ts";
import { Journal, type JournalEntries } from "./journal.ts";
import type { WorkflowInvocation } from "./request.ts";
import { runWorkflow, type WorkflowRun } from "./run.ts";
import type { DeployedWorkflow } from "./store.ts";

/** Options of {@linkcode WorkflowRunner}. */
export interface WorkflowRunnerOptions {
  /** This node's id (the owner of its async runs). */
  nodeId: string;
  /** Where durable runs are stored. */
  registry: Registry;
  /** Runs each task. */
  dispatcher: Dispatcher;
  /** The functions tasks name. */
  functions: FunctionStore;
  /** Async requests: ids, pending markers, reports for `GET /poll`. */
  asyncRequests: AsyncRequests;
  /** Events and metrics. */
  telemetry: Telemetry;
  /** Seconds a durable run is kept (`async.ttl`). */
  ttlSeconds: number;
}

/** Runs workflows for the API, and resumes the async runs a restart cut short. */
export class WorkflowRunner {
  readonly #options: WorkflowRunnerOptions;

  /** @param options services and the node's id */
  constructor(options: WorkflowRunnerOptions) {
    this.#options = options;
  }

  /** Runs `workflow` now and reports. */
  invoke(workflow: DeployedWorkflow, request: WorkflowInvocation): Promise<WorkflowReport> {
    const reqId = newRequestId(workflow.record.Name);
    return this.#run(reqId, workflow, request, new Journal());
  }

  /**
   * Starts `workflow` in the background, durable: its state is stored before it starts and
   * after each task and wait. Resolves its request id once the pending marker is stored.
   */
  async submit(workflow: DeployedWorkflow, request: WorkflowInvocation): Promise<string> {
    const { record } = workflow;
    const state: WorkflowRunState = {
      ReqId: newRequestId(record.Name),
      Node: this.#options.nodeId,
      Workflow: record.Name,
      Definition: record.Definition,
      Version: record.Version,
      Request: {
        Params: request.Params,
        QoSClass: request.QoSClass,
        QoSMaxRespT: request.QoSMaxRespT,
        CanDoOffloading: request.CanDoOffloading,
      },
      Tasks: {},
      Waits: {},
      Since: Date.now(),
      Resumes: 0,
    };
    await this.#options.registry.workflowRuns.put(state, this.#options.ttlSeconds);
    await this.#background(state, workflow, undefined);
    return state.ReqId;
  }

  /**
   * Resumes the async runs this node owned that did not finish (it stopped or died while they
   * ran): each is replayed from its journal, so no task that completed runs again. Resolves
   * their request ids (for `AsyncRequests.settleLeftovers` to leave alone).
   */
  async resumeOwned(log: (line: string) => void): Promise<Set<string>> {
    const { registry, nodeId } = this.#options;
    const resumed = new Set<string>();
    for (const state of await registry.workflowRuns.listOwned(nodeId)) {
      const workflow = { record: _record(state), machine: parseMachine(state.Definition) };
      const done = Object.keys(state.Tasks).length;
      const next = { ...state, Resumes: state.Resumes + 1 };
      const note = `Resumed after a node restart (${next.Resumes}): ${done} completed task ` +
        "attempt(s) replayed from the journal, not run again";
      await registry.workflowRuns.put(next, this.#options.ttlSeconds);
      await this.#background(next, workflow, note);
      resumed.add(state.ReqId);
      log(`Resumed workflow run "${state.ReqId}" (${done} task attempt(s) journaled)`);
    }
    return resumed;
  }

  async #background(state: WorkflowRunState, workflow: DeployedWorkflow, resumed?: string) {
    const { registry, ttlSeconds, asyncRequests } = this.#options;
    const persist = (entries: JournalEntries) =>
      registry.workflowRuns.put(
        { ...state, Tasks: entries.tasks, Waits: entries.waits },
        ttlSeconds,
      );
    const journal = new Journal({ tasks: state.Tasks, waits: state.Waits }, persist);
    const request: WorkflowInvocation = { ...state.Request, Async: true };
    await asyncRequests.submit(state.ReqId, state.Workflow, async (signal) => {
      const report = await this.#run(state.ReqId, workflow, request, journal, resumed, signal);
      await registry.workflowRuns.delete(state.ReqId);
      return report;
    }, true);
  }

  #run(
    reqId: string,
    workflow: DeployedWorkflow,
    request: WorkflowInvocation,
    journal: Journal,
    resumed?: string,
    signal?: AbortSignal,
  ): Promise<WorkflowReport> {
    const { telemetry, dispatcher, functions } = this.#options;
    const name = workflow.record.Name;
    const run: WorkflowRun = {
      workflow,
      request,
      journal,
      resumed,
      onStep: (event, executedOn) =>
        telemetry.workflows.step(_stepEvent(reqId, name, event, executedOn)),
    };
    return runWorkflow(run, { dispatcher, functions }, signal).then((report) => {
      telemetry.workflows.done(reqId, name, report.Success);
      return report;
    });
  }
}

function _record(state: WorkflowRunState) {
  return { Name: state.Workflow, Definition: state.Definition, Version: state.Version };
}

function _stepEvent(
  reqId: string,
  workflow: string,
  event: StepEvent,
  executedOn?: string,
): WorkflowStepEvent {
  return {
    ReqId: reqId,
    Workflow: workflow,
    Step: event.step,
    State: event.state,
    Type: event.type,
    Phase: event.phase,
    Time: event.at,
    ...(executedOn === undefined ? {} : { ExecutedOn: executedOn }),
    ...(event.error === undefined ? {} : { Error: event.error.error }),
  };
}
