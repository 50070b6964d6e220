/**
 * The workflows view: the node's workflows, one drawn as the graph of its states, a form that
 * creates one from its ASL definition (pasted or picked as a file), and one that invokes it —
 * then its path through the graph, live from the node's `workflow` events, and its report.
 *
 * @module
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { WorkflowRecord, WorkflowStepEvent } from "../../protocol/workflow.ts";
import type { NodeApi } from "../lib/api.ts";
import {
  buildWorkflowInvokeBody,
  emptyInvokeForm,
  type InvokeFormState,
} from "../lib/invoke_form.ts";
import { pollForReport } from "../lib/poll.ts";
import { type GraphResult, layoutGraph } from "../lib/workflow_layout.ts";
import {
  type FollowedRuns,
  followedTrace,
  followEvent,
  nodeIdOfStep,
  nodeRuns,
  traceWithReport,
} from "../lib/workflow_run.ts";
import { mutedClass } from "../styles.ts";
import { Check, ParamsEditor, QosFields } from "./invoke_fields.tsx";
import { Button, Card, ErrorText } from "./ui.tsx";
import { WorkflowCreateForm } from "./workflow_create_form.tsx";
import { nodeDescription, WorkflowGraph } from "./workflow_graph.tsx";
import { WorkflowRunCard, type WorkflowRunView } from "./workflow_run_card.tsx";

/** Props of {@linkcode WorkflowsView}. */
export interface WorkflowsViewProps {
  /** The node's API. */
  api: NodeApi;
  /** The workflow to show (from the location). */
  selected: string | undefined;
  /** This node's id. */
  self: string | undefined;
  /** Reads a definition into its graph. */
  toGraph(definition: string): GraphResult;
  /** Subscribes to the node's workflow step events; answers the unsubscribe. */
  onWorkflowStep(listener: (event: WorkflowStepEvent) => void): () => void;
  /** Shows a workflow (changes the location). */
  onSelect(name: string | undefined): void;
  /** Turns an error into its message (asking for a token when it is a refusal). */
  guard(error: unknown): string;
}

/** The workflows view. */
export function WorkflowsView(props: WorkflowsViewProps) {
  const [workflows, setWorkflows] = useState<WorkflowRecord[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);

  const load = () =>
    props.api.workflows().then((list) => {
      setWorkflows(list);
      setLoadError(undefined);
    }, (e) => setLoadError(`Cannot list workflows: ${props.guard(e)}`));
  useEffect(() => void load(), [props.api]);

  const shown = workflows?.find((w) => w.Name === props.selected) ?? workflows?.[0];
  const remove = async (name: string) => {
    setConfirming(undefined);
    try {
      await props.api.deleteWorkflow(name);
      setMessage(`Deleted "${name}"`);
      if (shown?.Name === name) props.onSelect(undefined);
    } catch (e) {
      setMessage(`Cannot delete "${name}": ${props.guard(e)}`);
    }
    await load();
  };

  return (
    // On a phone: the list, then the workflow shown, then the create form.
    <div class="grid grid-cols-1 gap-4 lg:grid-cols-4 lg:grid-rows-[auto_1fr] lg:gap-6">
      <div class="min-w-0 lg:col-start-1 lg:row-start-1">
        <Card id="workflows-title" title="Workflows">
          <div
            role="status"
            aria-live="polite"
            class="mb-2 text-sm"
            data-testid="workflows-message"
          >
            {message && <p>{message}</p>}
          </div>
          {loadError && <ErrorText>{loadError}</ErrorText>}
          {workflows === undefined && !loadError && <p class={`text-sm ${mutedClass}`}>Loading…</p>}
          {workflows?.length === 0 && (
            <p class={`text-sm ${mutedClass}`}>No workflow yet: create one with the form.</p>
          )}
          <ul class="space-y-2" data-testid="workflow-list">
            {workflows?.map((w) => (
              <li
                key={w.Name}
                class="flex flex-wrap items-center gap-2"
                data-testid={`workflow-${w.Name}`}
              >
                <Button
                  variant={w.Name === shown?.Name ? "primary" : "secondary"}
                  aria-current={w.Name === shown?.Name ? "true" : undefined}
                  aria-label={`Show ${w.Name}`}
                  class="min-w-0 flex-1 justify-start font-mono"
                  onClick={() => props.onSelect(w.Name)}
                >
                  <span class="truncate">{w.Name}</span>
                </Button>
                {confirming === w.Name
                  ? (
                    <>
                      <Button
                        variant="danger"
                        aria-label={`Confirm delete ${w.Name}`}
                        onClick={() => remove(w.Name)}
                      >
                        Delete
                      </Button>
                      <Button variant="ghost" onClick={() => setConfirming(undefined)}>
                        Keep
                      </Button>
                    </>
                  )
                  : (
                    <Button
                      variant="ghost"
                      aria-label={`Delete ${w.Name}`}
                      onClick={() => setConfirming(w.Name)}
                    >
                      Delete
                    </Button>
                  )}
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <div class="min-w-0 space-y-4 lg:col-span-3 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:space-y-6">
        {shown
          ? <WorkflowPanel key={shown.Name} {...props} workflow={shown} />
          : (
            <Card id="workflow-graph-title" title="Graph">
              <p class={`text-sm ${mutedClass}`}>Create or pick a workflow to draw it here.</p>
            </Card>
          )}
      </div>
      <div class="min-w-0 self-start lg:col-start-1 lg:row-start-2">
        <WorkflowCreateForm
          api={props.api}
          toGraph={props.toGraph}
          guard={props.guard}
          onCreated={async (name, text) => {
            setMessage(text);
            await load();
            props.onSelect(name);
          }}
        />
      </div>
    </div>
  );
}

/** One workflow: its graph with the run marked, the invoke form and the run. */
function WorkflowPanel(props: WorkflowsViewProps & { workflow: WorkflowRecord }) {
  const { workflow } = props;
  const read = useMemo(() => props.toGraph(workflow.Definition), [workflow.Definition]);
  const layout = useMemo(() => read.ok ? layoutGraph(read.graph) : undefined, [read]);
  const maps = useMemo(
    () => new Set(layout?.nodes.filter((n) => n.type === "Map").map((n) => n.id)),
    [layout],
  );
  const [form, setForm] = useState<InvokeFormState>(() => emptyInvokeForm(workflow.Name));
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [run, setRun] = useState<WorkflowRunView | undefined>(undefined);
  const [followed, setFollowed] = useState<FollowedRuns>({ traces: new Map() });
  const [selectedNode, setSelectedNode] = useState<string | undefined>(undefined);
  const polling = useRef<AbortController | undefined>(undefined);
  const listening = useRef(false);
  const scroller = useRef<HTMLDivElement>(null);

  // A drawing wider than its box starts scrolled to its middle, where the start is.
  useEffect(() => {
    const box = scroller.current;
    if (box) box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
  }, [layout]);
  useEffect(() => () => polling.current?.abort(), []);
  useEffect(() =>
    props.onWorkflowStep((event) => {
      if (!listening.current || event.Workflow !== workflow.Name || !read.ok) return;
      setFollowed((runs) => followEvent(runs, event, read.graph.startAt));
    }), [workflow.Name, read]);

  const trace = traceWithReport(followedTrace(followed, run?.reqId), run?.report);
  const runs = nodeRuns(trace, maps, run?.report?.Reports);
  const running = run !== undefined && !run.report && !run.error;

  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (running) return;
    const built = buildWorkflowInvokeBody(form);
    if (!built.ok) return setFormError(built.error);
    setFormError(undefined);
    setFollowed({ traces: new Map() });
    listening.current = true;
    const started: WorkflowRunView = { workflow: workflow.Name, async: built.body.Async };
    setRun(started);
    try {
      const answer = await props.api.invokeWorkflow(workflow.Name, built.body);
      if ("ReqId" in answer) {
        setRun({ ...started, reqId: answer.ReqId });
        const controller = new AbortController();
        polling.current = controller;
        const report = await pollForReport(() => props.api.pollWorkflow(answer.ReqId), {
          signal: controller.signal,
        });
        setRun({ ...started, reqId: answer.ReqId, report });
      } else {
        setRun({ ...started, report: answer });
      }
    } catch (e) {
      setRun((r) => ({ ...(r ?? started), error: props.guard(e) }));
    } finally {
      polling.current = undefined;
    }
  };

  const picked = layout?.nodes.find((n) => n.id === selectedNode);
  const pickedSteps = picked ? trace.filter((s) => nodeIdOfStep(s.step, maps) === picked.id) : [];
  return (
    <>
      <Card id="workflow-graph-title" title={workflow.Name}>
        {!read.ok && <ErrorText>{read.error}</ErrorText>}
        {layout && (
          <>
            <div
              ref={scroller}
              class="-mx-1 overflow-x-auto px-1 pb-1"
              data-testid="workflow-graph-scroll"
            >
              <WorkflowGraph
                layout={layout}
                label={`States of ${workflow.Name}${run ? ", with the run shown" : ""}`}
                runs={run ? runs : undefined}
                selected={selectedNode}
                onSelect={(id) => setSelectedNode((s) => s === id ? undefined : id)}
              />
            </div>
            <Legend />
            <div aria-live="polite" class="mt-2 text-sm" data-testid="workflow-state-detail">
              {picked && (
                <p>
                  <strong>{nodeDescription(picked, runs.get(picked.id))}</strong>
                  {pickedSteps.length > 1 && (
                    <span class={mutedClass}>
                      · steps {pickedSteps.map((s) => s.step).join(", ")}
                    </span>
                  )}
                </p>
              )}
            </div>
          </>
        )}
      </Card>
      <div class="grid grid-cols-1 gap-4 xl:grid-cols-2 xl:gap-6">
        <Card id="workflow-invoke-title" title="Invoke" class="self-start">
          <form
            class="space-y-4"
            onSubmit={submit}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
            }}
          >
            <ParamsEditor form={form} idPrefix="wfi" onChange={setForm} onError={setFormError} />
            <fieldset class="grid grid-cols-1 gap-3 sm:grid-cols-2">
              <legend class="sr-only">Options</legend>
              <Check
                id="wfi-async"
                label="Asynchronous (poll for the report)"
                checked={form.async}
                onChange={(v) => setForm({ ...form, async: v })}
              />
              <Check
                id="wfi-offload"
                label="Allow offloading of its tasks"
                checked={form.canDoOffloading}
                onChange={(v) => setForm({ ...form, canDoOffloading: v })}
              />
            </fieldset>
            <QosFields form={form} idPrefix="wfi" onChange={(c) => setForm({ ...form, ...c })} />
            {formError && <ErrorText>{formError}</ErrorText>}
            <div class="flex flex-wrap items-center gap-2">
              <Button type="submit" variant="primary" disabled={running || !read.ok}>
                {running ? "Running…" : "Invoke workflow"}
              </Button>
              {running && run?.reqId && (
                <Button onClick={() => polling.current?.abort()}>Stop polling</Button>
              )}
              <span class={`text-xs ${mutedClass}`}>Ctrl+Enter</span>
            </div>
          </form>
        </Card>
        <WorkflowRunCard run={run} trace={trace} self={props.self} />
      </div>
    </>
  );
}

function Legend() {
  const item = (swatch: string, label: string) => (
    <li class="flex items-center gap-1.5">
      <span aria-hidden="true" class={`inline-block h-3 w-3 rounded-sm border-2 ${swatch}`} />
      {label}
    </li>
  );
  return (
    <ul class={`mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs ${mutedClass}`} aria-label="Legend">
      {item("border-slate-300 dark:border-slate-600", "not run")}
      {item("border-sky-500 bg-sky-50 dark:bg-sky-900", "running")}
      {item("border-emerald-500 bg-emerald-50 dark:bg-emerald-900", "done")}
      {item("border-red-500 bg-red-50 dark:bg-red-900", "failed")}
      <li>
        ┄ Default · <span class="text-red-700 dark:text-red-300">┄ Catch</span>
      </li>
    </ul>
  );
}
