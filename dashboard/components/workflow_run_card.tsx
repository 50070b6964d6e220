/**
 * A workflow run as the dashboard shows it beside the graph: whether it is running, succeeded
 * or failed, its steps in order (where each ran and how long it took), the final output, and
 * the report of every task.
 *
 * @module
 */
import type { WorkflowReport } from "../../protocol/workflow.ts";
import { formatSeconds } from "../lib/format.ts";
import { whereItRan } from "../lib/invoke_form.ts";
import type { RunTrace, StepRecord } from "../lib/workflow_run.ts";
import { mutedClass } from "../styles.ts";
import { Badge, Card, ErrorText } from "./ui.tsx";

/** A run followed by the page. */
export interface WorkflowRunView {
  /** The workflow. */
  workflow: string;
  /** Its request id, once known. */
  reqId?: string;
  /** Whether it was invoked asynchronously. */
  async: boolean;
  /** The final report, once it came. */
  report?: WorkflowReport;
  /** Why the run could not be made or followed. */
  error?: string;
}

/** Props of {@linkcode WorkflowRunCard}. */
export interface WorkflowRunCardProps {
  /** The run, if one was started. */
  run: WorkflowRunView | undefined;
  /** Its steps so far. */
  trace: RunTrace;
  /** This node's id. */
  self: string | undefined;
}

/** How long a step took, or that it runs. */
export function stepTime(step: StepRecord): string {
  return step.exitedAt === undefined
    ? "running…"
    : formatSeconds((step.exitedAt - step.enteredAt) / 1000);
}

/** The run card. */
export function WorkflowRunCard(props: WorkflowRunCardProps) {
  const { run, trace } = props;
  const report = run?.report;
  const running = run !== undefined && !report && !run.error;
  return (
    <Card id="workflow-run-title" title="Run">
      <div aria-live="polite" aria-busy={running} data-testid="workflow-run" class="space-y-3">
        {!run && (
          <p class={`text-sm ${mutedClass}`}>
            Invoke the workflow to follow its path through the graph here.
          </p>
        )}
        {run && (
          <div class="flex flex-wrap items-center gap-2 text-sm">
            {report
              ? (
                <Badge tone={report.Success ? "good" : "bad"}>
                  <span data-testid="workflow-run-status">
                    {report.Success ? "Succeeded" : "Failed"}
                  </span>
                </Badge>
              )
              : run.error
              ? <Badge tone="bad">Error</Badge>
              : (
                <Badge tone="info">
                  <span data-testid="workflow-run-status">Running</span>
                </Badge>
              )}
            {run.async && <Badge>async</Badge>}
            {run.reqId && <code class={`font-mono text-xs ${mutedClass}`}>{run.reqId}</code>}
            {report && <span class="tabular-nums">{formatSeconds(report.ResponseTime)}</span>}
          </div>
        )}
        {run?.error && <ErrorText>{run.error}</ErrorText>}
        {report && !report.Success && (
          <ErrorText>
            {report.Error ?? "Failed"}
            {report.Cause ? `: ${report.Cause}` : ""}
          </ErrorText>
        )}
        {report?.Resumed && <p class="text-sm" data-testid="workflow-resumed">{report.Resumed}</p>}
        {trace.length > 0 && <StepTable trace={trace} />}
        {report && report.Result !== undefined && (
          <div>
            <h3 class="mb-1 text-xs font-medium uppercase tracking-wide">Result</h3>
            <pre
              class="max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-100 p-3 font-mono text-sm dark:bg-slate-900"
              data-testid="workflow-result"
            >{JSON.stringify(report.Result, null, 2)}</pre>
          </div>
        )}
        {report && Object.keys(report.Reports ?? {}).length > 0 && (
          <TaskReports report={report} self={props.self} />
        )}
      </div>
    </Card>
  );
}

function StepTable(props: { trace: RunTrace }) {
  return (
    <div class="overflow-x-auto">
      <table class="w-full text-left text-sm" data-testid="workflow-steps">
        <caption class="sr-only">Steps of the run, in the order they were entered</caption>
        <thead class={`text-xs ${mutedClass}`}>
          <tr>
            <th scope="col" class="py-1 pr-3 font-medium">Step</th>
            <th scope="col" class="py-1 pr-3 font-medium">Type</th>
            <th scope="col" class="py-1 pr-3 font-medium">Ran on</th>
            <th scope="col" class="py-1 pr-3 text-right font-medium">Took</th>
          </tr>
        </thead>
        <tbody>
          {props.trace.map((step) => (
            <tr
              key={step.step}
              class="border-t border-slate-100 dark:border-slate-700"
              data-step={step.step}
            >
              <td class="py-1 pr-3 font-mono text-xs">
                {step.step}
                {step.error && <span class="ml-2 text-red-700 dark:text-red-300">{step.error}
                </span>}
              </td>
              <td class="py-1 pr-3">{step.type}</td>
              <td class="py-1 pr-3 font-mono text-xs">{step.executedOn ?? "–"}</td>
              <td class="py-1 pr-3 text-right tabular-nums">{stepTime(step)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TaskReports(props: { report: WorkflowReport; self: string | undefined }) {
  return (
    <div>
      <h3 class="mb-1 text-xs font-medium uppercase tracking-wide">Task reports</h3>
      <ul class="space-y-1 text-sm" data-testid="workflow-reports">
        {Object.entries(props.report.Reports).map(([step, r]) => (
          <li key={step} class="flex flex-wrap items-center gap-2">
            <code class="font-mono text-xs">{step}</code>
            <Badge tone={r.Success ? "good" : "bad"}>{r.Success ? "ok" : "failed"}</Badge>
            <Badge tone={r.IsWarmStart ? "good" : "warn"}>{r.IsWarmStart ? "warm" : "cold"}</Badge>
            <Badge tone={r.SchedAction === "O" ? "cloud" : "info"}>
              ran {whereItRan(r, props.self)}
            </Badge>
            <span class={`tabular-nums text-xs ${mutedClass}`}>
              {formatSeconds(r.Duration)} run, {formatSeconds(r.ResponseTime)} response
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
