/**
 * The invoke view: pick a function, give parameters (key/value rows or JSON), choose sync or
 * async and the QoS fields, and see the report — result, output, warm or cold, timings, where
 * it ran — with a short history of earlier requests.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { NodeApi } from "../lib/api.ts";
import { formatAgo, formatResult, formatSeconds } from "../lib/format.ts";
import {
  addEntry,
  type HistoryEntry,
  loadHistory,
  saveHistory,
  updateEntry,
} from "../lib/history.ts";
import {
  buildInvokeBody,
  emptyInvokeForm,
  type InvokeFormState,
  whereItRan,
} from "../lib/invoke_form.ts";
import { paramsToRows } from "../lib/params.ts";
import { pollForReport } from "../lib/poll.ts";
import { focusRing, mutedClass } from "../styles.ts";
import { Check, ParamsEditor, QosFields } from "./invoke_fields.tsx";
import { Badge, Button, Card, ErrorText, Field, Select } from "./ui.tsx";

const POLL_INTERVAL_MS = 500;

/** Props of {@linkcode InvokeView}. */
export interface InvokeViewProps {
  /** The node's API. */
  api: NodeApi;
  /** Function names. */
  functions: string[];
  /** The function to preselect. */
  selected: string | undefined;
  /** This node's id (to tell "here" from elsewhere). */
  self: string | undefined;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The invoke view. */
export function InvokeView(props: InvokeViewProps) {
  const [form, setForm] = useState<InvokeFormState>(() =>
    emptyInvokeForm(props.selected ?? props.functions[0] ?? "")
  );
  const [error, setError] = useState<string | undefined>(undefined);
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadHistory(storage()));
  const [shownId, setShownId] = useState<string | undefined>(history[0]?.id);
  const [running, setRunning] = useState<string | undefined>(undefined);
  const polling = useRef<AbortController | undefined>(undefined);

  useEffect(() => saveHistory(storage(), history), [history]);
  useEffect(() => () => polling.current?.abort(), []);
  useEffect(() => {
    if (props.selected) setForm((f) => ({ ...f, fn: props.selected! }));
  }, [props.selected]);
  useEffect(() => {
    if (!form.fn && props.functions.length > 0) setForm((f) => ({ ...f, fn: props.functions[0] }));
  }, [props.functions]);

  const set = (change: Partial<InvokeFormState>) => setForm((f) => ({ ...f, ...change }));
  const record = (id: string, change: Partial<HistoryEntry>) =>
    setHistory((list) => updateEntry(list, id, change));

  const poll = async (id: string, reqId: string) => {
    const controller = new AbortController();
    polling.current = controller;
    try {
      const report = await pollForReport(() => props.api.poll(reqId), {
        signal: controller.signal,
        intervalMs: POLL_INTERVAL_MS,
      });
      record(id, { report });
    } catch (e) {
      record(id, { error: (e as Error).message });
    }
  };

  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (running) return;
    if (!form.fn) return setError("Pick a function first");
    const built = buildInvokeBody(form);
    if (!built.ok) return setError(built.error);
    setError(undefined);
    const id = crypto.randomUUID();
    const entry: HistoryEntry = {
      id,
      fn: form.fn,
      params: built.body.Params,
      async: built.body.Async,
      at: Date.now(),
    };
    setHistory((list) => addEntry(list, entry));
    setShownId(id);
    setRunning(id);
    try {
      const answer = await props.api.invoke(form.fn, built.body);
      if ("ReqId" in answer) {
        record(id, { reqId: answer.ReqId });
        await poll(id, answer.ReqId);
      } else {
        record(id, { report: answer });
      }
    } catch (e) {
      record(id, { error: (e as Error).message });
    } finally {
      setRunning(undefined);
      polling.current = undefined;
    }
  };

  const shown = history.find((e) => e.id === shownId);
  const noFunctions = props.functions.length === 0;
  return (
    <div class="grid grid-cols-1 gap-4 lg:grid-cols-2 lg:gap-6">
      <Card id="invoke-title" title="Invoke" class="self-start">
        <form
          onSubmit={submit}
          class="space-y-4"
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
          }}
        >
          <Field label="Function" for="inv-fn">
            <Select
              id="inv-fn"
              value={form.fn}
              disabled={noFunctions}
              onChange={(e) => set({ fn: e.currentTarget.value })}
            >
              {noFunctions && <option value="">No function yet</option>}
              {props.functions.map((name) => <option key={name} value={name}>{name}</option>)}
            </Select>
          </Field>
          <ParamsEditor
            form={form}
            idPrefix="inv"
            onChange={setForm}
            onError={setError}
          />
          <fieldset class="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <legend class="sr-only">Options</legend>
            <Check
              id="inv-async"
              label="Asynchronous (poll for the report)"
              checked={form.async}
              onChange={(v) => set({ async: v })}
            />
            <Check
              id="inv-output"
              label="Return the function's output"
              checked={form.returnOutput}
              onChange={(v) => set({ returnOutput: v })}
            />
            <Check
              id="inv-offload"
              label="Allow offloading"
              checked={form.canDoOffloading}
              onChange={(v) => set({ canDoOffloading: v })}
            />
          </fieldset>
          <QosFields form={form} idPrefix="inv" onChange={set} />
          {error && <ErrorText>{error}</ErrorText>}
          <div class="flex flex-wrap items-center gap-2">
            <Button type="submit" variant="primary" disabled={!!running || noFunctions}>
              {running ? "Running…" : "Invoke"}
            </Button>
            {running && polling.current && (
              <Button onClick={() => polling.current?.abort()}>Stop polling</Button>
            )}
            <span class={`text-xs ${mutedClass}`}>Ctrl+Enter</span>
          </div>
        </form>
      </Card>
      <div class="space-y-4 lg:space-y-6">
        <ResultCard entry={shown} running={running === shown?.id} self={props.self} />
        <HistoryCard
          history={history}
          shownId={shownId}
          onShow={(entry) => {
            setShownId(entry.id);
            setForm((f) => ({
              ...f,
              fn: entry.fn,
              async: entry.async,
              mode: "rows",
              rows: Object.keys(entry.params).length > 0
                ? paramsToRows(entry.params)
                : [{ key: "", value: "" }],
            }));
          }}
          onClear={() => {
            setHistory([]);
            setShownId(undefined);
          }}
        />
      </div>
    </div>
  );
}

/** The report of the request shown, announced when it arrives. */
function ResultCard(props: { entry: HistoryEntry | undefined; running: boolean; self?: string }) {
  const { entry } = props;
  const report = entry?.report;
  return (
    <Card id="result-title" title="Result">
      <div aria-live="polite" aria-busy={props.running} data-testid="invoke-result">
        {!entry && <p class={`text-sm ${mutedClass}`}>Invoke a function to see its result here.</p>}
        {entry && !report && !entry.error && (
          <p class="text-sm" data-testid="invoke-pending">
            {entry.reqId
              ? (
                <>
                  Accepted as <code class="font-mono">{entry.reqId}</code>: polling for the report…
                </>
              )
              : (
                <>
                  Running <code class="font-mono">{entry.fn}</code>…
                </>
              )}
          </p>
        )}
        {entry?.error && <ErrorText>{entry.error}</ErrorText>}
        {report && (
          <div class="space-y-3">
            <div class="flex flex-wrap items-center gap-2">
              <Badge tone={report.Success ? "good" : "bad"}>
                {report.Success ? "Success" : "Failed"}
              </Badge>
              <Badge tone={report.IsWarmStart ? "good" : "warn"}>
                {report.IsWarmStart ? "Warm start" : "Cold start"}
              </Badge>
              <Badge tone={report.SchedAction === "O" ? "cloud" : "info"}>
                <span data-testid="invoke-where">Ran {whereItRan(report, props.self)}</span>
              </Badge>
              {entry?.reqId && <Badge>async</Badge>}
            </div>
            <dl class="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
              {[
                ["Response", report.ResponseTime],
                ["Init", report.InitTime],
                ["Duration", report.Duration],
                ["Offload", report.OffloadLatency],
              ].map(([label, value]) => (
                <div key={label as string}>
                  <dt class={`text-xs ${mutedClass}`}>{label}</dt>
                  <dd class="tabular-nums font-medium">{formatSeconds(value as number)}</dd>
                </div>
              ))}
            </dl>
            {report.Error && <ErrorText>{report.Error}</ErrorText>}
            {report.Result !== "" && (
              <div>
                <h3 class="mb-1 text-xs font-medium uppercase tracking-wide">Result</h3>
                <pre
                  class="max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-100 p-3 font-mono text-sm dark:bg-slate-900"
                  data-testid="invoke-result-value"
                >{formatResult(report.Result)}</pre>
              </div>
            )}
            {report.Output && (
              <div>
                <h3 class="mb-1 text-xs font-medium uppercase tracking-wide">Output</h3>
                <pre
                  class="max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-100 p-3 font-mono text-xs dark:bg-slate-900"
                  data-testid="invoke-output"
                >{report.Output}</pre>
              </div>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}

function HistoryCard(props: {
  history: HistoryEntry[];
  shownId: string | undefined;
  onShow(entry: HistoryEntry): void;
  onClear(): void;
}) {
  return (
    <Card
      id="history-title"
      title="History"
      actions={props.history.length > 0 && (
        <Button variant="ghost" onClick={props.onClear}>Clear</Button>
      )}
    >
      {props.history.length === 0
        ? <p class={`text-sm ${mutedClass}`}>Requests made from this page are listed here.</p>
        : (
          <ol class="space-y-1" data-testid="invoke-history">
            {props.history.map((e) => (
              <li key={e.id}>
                <button
                  type="button"
                  aria-current={e.id === props.shownId ? "true" : undefined}
                  onClick={() => props.onShow(e)}
                  class={`flex w-full flex-wrap items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-700 ${focusRing} ${
                    e.id === props.shownId ? "bg-slate-100 dark:bg-slate-700" : ""
                  }`}
                >
                  <span class="font-mono font-medium">{e.fn}</span>
                  <span class={`truncate font-mono text-xs ${mutedClass}`}>
                    {JSON.stringify(e.params)}
                  </span>
                  <span class="ml-auto flex items-center gap-2">
                    <span class={`text-xs ${mutedClass}`}>{formatAgo(e.at)}</span>
                    {e.report && (
                      <span class="tabular-nums text-xs">
                        {formatSeconds(e.report.ResponseTime)}
                      </span>
                    )}
                    <Badge
                      tone={e.report
                        ? (e.report.Success ? "good" : "bad")
                        : e.error
                        ? "bad"
                        : "neutral"}
                    >
                      {e.report ? (e.report.Success ? "ok" : "failed") : e.error ? "error" : "…"}
                    </Badge>
                  </span>
                </button>
              </li>
            ))}
          </ol>
        )}
    </Card>
  );
}
