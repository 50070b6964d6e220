/**
 * An invocation's path through its workflow, as the dashboard follows it: the `workflow`
 * events of `/events` (a step entered, a step exited) folded into one record per step, then
 * per state of the drawing (running, done, failed; how often; where; how long), completed by
 * the final report's per-task reports.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { WorkflowReport, WorkflowStepEvent } from "../../protocol/workflow.ts";

/** One step of a run (a state entered once; a Map item's state, a retry are steps of their own). */
export interface StepRecord {
  /** The step id (`Name`, `Name#2`, `Par/0/Name`, `Map/3/Name@2`...). */
  step: string;
  /** The state's name. */
  state: string;
  /** The state's type. */
  type: string;
  /** When it was entered (ms since the epoch, the node's clock). */
  enteredAt: number;
  /** When it was left, once it was. */
  exitedAt?: number;
  /** The error it failed with, if it did. */
  error?: string;
  /** The node that ran it (a task's function). */
  executedOn?: string;
}

/** The steps of one run, in the order they were entered. */
export type RunTrace = readonly StepRecord[];

/** Adds one event to `trace` (answers a new trace; events of other runs are the caller's). */
export function applyStepEvent(trace: RunTrace, event: WorkflowStepEvent): RunTrace {
  const index = trace.findIndex((s) => s.step === event.Step);
  if (event.Phase === "entered") {
    const record: StepRecord = {
      step: event.Step,
      state: event.State,
      type: event.Type,
      enteredAt: event.Time,
      executedOn: event.ExecutedOn,
    };
    if (index === -1) return [...trace, record];
    return trace.map((s, i) => i === index ? { ...s, ...record } : s);
  }
  const exited = (s: StepRecord): StepRecord => ({
    ...s,
    exitedAt: event.Time,
    error: event.Error ?? s.error,
    executedOn: event.ExecutedOn ?? s.executedOn,
  });
  if (index === -1) {
    // The entry was missed (the page connected mid-run): the exit alone still tells it ran.
    return [
      ...trace,
      exited({ step: event.Step, state: event.State, type: event.Type, enteredAt: event.Time }),
    ];
  }
  return trace.map((s, i) => i === index ? exited(s) : s);
}

/** A step id's name segment without its visit (`#2`) and attempt (`@2`) marks. */
export function stateOfSegment(segment: string): string {
  return segment.replace(/(#\d+)?(@\d+)?$/, "");
}

/**
 * The id of the drawn node a step ran in: visits and attempts dropped, a Map item's index
 * replaced by its processor's `0`. `maps` holds the node ids of the Map states.
 */
export function nodeIdOfStep(step: string, maps: ReadonlySet<string>): string {
  const segments = step.split("/");
  let id = stateOfSegment(segments[0]);
  for (let i = 1; i + 1 < segments.length; i += 2) {
    const index = maps.has(id) ? "0" : segments[i];
    id = `${id}/${index}/${stateOfSegment(segments[i + 1])}`;
  }
  return id;
}

/** What a drawn state did in a run. */
export interface NodeRun {
  /** `running` while a step of it is, else `failed` when its last step failed, else `done`. */
  status: "running" | "done" | "failed";
  /** Steps of it that were entered (visits, attempts, Map items). */
  steps: number;
  /** Milliseconds the last finished step took. */
  lastMs?: number;
  /** The nodes its tasks ran on. */
  executedOn: readonly string[];
  /** The error of its last failed step. */
  error?: string;
}

/** Per drawn node id, what it did in `trace` (states that did not run are absent). */
export function nodeRuns(
  trace: RunTrace,
  maps: ReadonlySet<string>,
  reports: Record<string, ExecutionReport> = {},
): Map<string, NodeRun> {
  const runs = new Map<string, NodeRun>();
  for (const step of trace) {
    const id = nodeIdOfStep(step.step, maps);
    const before = runs.get(id);
    const where = step.executedOn ?? reports[step.step]?.ExecutedOn;
    const executedOn = [...(before?.executedOn ?? [])];
    if (where && !executedOn.includes(where)) executedOn.push(where);
    const running = step.exitedAt === undefined;
    runs.set(id, {
      status: running || before?.status === "running" ? "running" : step.error ? "failed" : "done",
      steps: (before?.steps ?? 0) + 1,
      lastMs: running ? before?.lastMs : step.exitedAt! - step.enteredAt,
      executedOn,
      error: step.error ?? before?.error,
    });
  }
  return runs;
}

/** A run's steps completed by its final report: steps the events missed come from `Reports`. */
export function traceWithReport(trace: RunTrace, report: WorkflowReport | undefined): RunTrace {
  if (!report) return trace;
  const known = new Set(trace.map((s) => s.step));
  const missed = Object.entries(report.Reports ?? {}).filter(([step]) => !known.has(step));
  return [
    // A step still open when the report came ended with the run (its exit event may follow).
    ...trace.map((s) =>
      s.exitedAt === undefined
        ? { ...s, exitedAt: s.enteredAt, error: report.Success ? undefined : report.Error }
        : s
    ),
    ...missed.map(([step, r]): StepRecord => {
      const state = stateOfSegment(step.split("/").at(-1)!);
      return {
        step,
        state,
        type: "Task",
        enteredAt: 0,
        exitedAt: Math.round(r.ResponseTime * 1000),
        error: r.Success ? undefined : r.Error ?? "failed",
        executedOn: r.ExecutedOn,
      };
    }),
  ];
}

/**
 * The runs of one workflow seen since the page invoked it, by request id, and the first run
 * seen entering the start state: the page's own when it does not know its id yet (a
 * synchronous invocation is answered only at its end).
 */
export interface FollowedRuns {
  /** The steps of each run seen, by request id. */
  traces: ReadonlyMap<string, RunTrace>;
  /** The first run seen entering the start state. */
  first?: string;
}

/** Adds `event` (of the workflow followed, whose start state is `startAt`) to `runs`. */
export function followEvent(
  runs: FollowedRuns,
  event: WorkflowStepEvent,
  startAt: string,
): FollowedRuns {
  const traces = new Map(runs.traces);
  traces.set(event.ReqId, applyStepEvent(traces.get(event.ReqId) ?? [], event));
  const starts = event.Phase === "entered" && event.Step === startAt;
  return { traces, first: runs.first ?? (starts ? event.ReqId : undefined) };
}

/** The steps of the page's run: `reqId`'s once known, else the first run that started. */
export function followedTrace(runs: FollowedRuns, reqId: string | undefined): RunTrace {
  const id = reqId ?? runs.first;
  return id === undefined ? [] : runs.traces.get(id) ?? [];
}
