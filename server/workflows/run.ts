/**
 * Running a workflow: the ASL interpreter of `asl/` with hooks that run each Task attempt
 * through the node's dispatcher (so the scheduling policy, the workflow's QoS and offloading
 * apply per task), wait on real timers, journal what completed and tell of each step.
 *
 * @module
 */
import { AslTaskError, runStateMachine, type StepEvent, type TaskCall } from "../../asl/mod.ts";
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { WorkflowReport } from "../../protocol/workflow.ts";
import type { FunctionStore } from "../functions/store.ts";
import type { Dispatcher } from "../invoke/dispatcher.ts";
import { newInvocation } from "../invoke/invocation.ts";
import { sleep } from "../timing/sleep.ts";
import type { Journal, TaskOutcome } from "./journal.ts";
import type { WorkflowInvocation } from "./request.ts";
import type { DeployedWorkflow } from "./store.ts";

/** The ASL error of a task whose function could not run or failed. */
const TASK_FAILED = "States.TaskFailed";

/** What a run needs from the node. */
export interface RunServices {
  /** Runs each task where the policy says. */
  readonly dispatcher: Dispatcher;
  /** The functions tasks name. */
  readonly functions: FunctionStore;
}

/** One run of a workflow. */
export interface WorkflowRun {
  /** The workflow and its machine. */
  readonly workflow: DeployedWorkflow;
  /** The request: input, QoS, offloading. */
  readonly request: WorkflowInvocation;
  /** What completed so far (empty for a new run). */
  readonly journal: Journal;
  /** Told of each step entered and left, with the node a task ran on. */
  readonly onStep?: (event: StepEvent, executedOn?: string) => void;
  /** Set on a resumed run: what was resumed. */
  readonly resumed?: string;
}

/**
 * Runs `run` to its end and reports: the final output, one execution report per task attempt
 * (journaled ones included) keyed by step id. A failed run resolves (`Success` false, with its
 * ASL error); `signal` stops a run, which then rejects.
 */
export async function runWorkflow(
  run: WorkflowRun,
  services: RunServices,
  signal?: AbortSignal,
): Promise<WorkflowReport> {
  const started = performance.now();
  const reports: Record<string, ExecutionReport> = {};
  const outcome = await runStateMachine(run.workflow.machine, run.request.Params, {
    runTask: async (call) => {
      const outcome = run.journal.task(call.step) ?? await runTask(call, run, services);
      reports[call.step] = outcome.report;
      if (outcome.error) throw new AslTaskError(outcome.error.error, outcome.error.cause);
      return outcome.output;
    },
    wait: async (step, until, waitSignal) => {
      const deadline = await run.journal.deadline(step, until);
      await sleep(Math.max(0, deadline - Date.now()), waitSignal);
    },
    onStep: (event) => run.onStep?.(event, reports[event.step]?.ExecutedOn),
  }, signal);
  signal?.throwIfAborted();
  const report: WorkflowReport = {
    Success: outcome.status === "succeeded",
    Result: outcome.status === "succeeded" ? outcome.output : null,
    ResponseTime: (performance.now() - started) / 1000,
    Reports: reports,
  };
  if (outcome.status === "failed") {
    Object.assign(report, { Error: outcome.error, Cause: outcome.cause });
  }
  if (run.resumed) report.Resumed = run.resumed;
  return report;
}

/** Runs one task attempt through the dispatcher and journals its outcome. */
async function runTask(
  call: TaskCall,
  run: WorkflowRun,
  services: RunServices,
): Promise<TaskOutcome> {
  call.signal.throwIfAborted();
  const { input } = call;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new AslTaskError(
      "States.Runtime",
      `state "${call.state}": a function's input must be a JSON object, got ${
        JSON.stringify(input)
      }`,
    );
  }
  const report = await dispatch(call, input, run, services);
  const outcome: TaskOutcome = report.Success
    ? { report, output: report.Result === "" ? null : JSON.parse(report.Result) }
    : { report, error: { error: TASK_FAILED, cause: report.Error ?? "The function failed" } };
  await run.journal.recordTask(call.step, outcome);
  return outcome;
}

/** The execution report of `call`, or a failed one when the function could not run at all. */
async function dispatch(
  call: TaskCall,
  params: Record<string, unknown>,
  run: WorkflowRun,
  { dispatcher, functions }: RunServices,
): Promise<ExecutionReport> {
  const arrival = performance.now();
  try {
    const fn = functions.require(call.resource);
    const { QoSClass, QoSMaxRespT, CanDoOffloading } = run.request;
    return await dispatcher.dispatch(newInvocation(fn, {
      Params: params,
      QoSClass,
      QoSMaxRespT,
      CanDoOffloading,
      Async: false,
      ReturnOutput: false,
    }, arrival));
  } catch (error) {
    throw new AslTaskError(TASK_FAILED, (error as Error).message);
  }
}
