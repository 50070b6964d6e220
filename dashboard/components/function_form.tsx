/**
 * The form that creates a function or updates one: name, runtime from the node's catalog,
 * memory, handler, limits, and the code from the editor, picked files or a picked folder.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { NodeApi } from "../lib/api.ts";
import {
  type CodeFile,
  defaultHandler,
  editorFileName,
  runtimeFamily,
  starterCode,
  stripTopFolder,
  suggestHandler,
} from "../lib/code.ts";
import { formatNumber } from "../lib/format.ts";
import {
  buildDefinition,
  type CodeSource,
  emptyForm,
  findRuntimeInfo,
  type FunctionFormState,
} from "../lib/function_form.ts";
import type { RuntimeInfo } from "../../protocol/function.ts";
import { focusRing, mutedClass } from "../styles.ts";
import { Button, Card, ErrorText, Field, Input, Select, TextArea } from "./ui.tsx";

/** Props of {@linkcode FunctionForm}. */
export interface FunctionFormProps {
  /** The node's API. */
  api: NodeApi;
  /** The node's runtimes. */
  runtimes: RuntimeInfo[];
  /** The form to start from: a blank one, or one made from a function to update. */
  initial: FunctionFormState;
  /** Whether it updates `initial.name` (else it creates). */
  update: boolean;
  /** Called after a successful create or update, with the node's message. */
  onDone(message: string, name: string): void;
  /** Leaves update mode. */
  onCancel(): void;
}

const SOURCES: { value: CodeSource; label: string }[] = [
  { value: "editor", label: "Editor" },
  { value: "files", label: "Files" },
  { value: "folder", label: "Folder" },
];

/** The create/update form. */
export function FunctionForm(props: FunctionFormProps) {
  const [form, setForm] = useState<FunctionFormState>(props.initial);
  const [handlerTouched, setHandlerTouched] = useState(props.update);
  const [error, setError] = useState<{ field?: string; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setForm(props.initial);
    setHandlerTouched(props.update);
    setError(undefined);
    if (fileInput.current) fileInput.current.value = "";
  }, [props.initial]);

  // Unless another runtime is picked, a function stored under an alias is sent back with it.
  const runtime = findRuntimeInfo(props.runtimes, form.runtime);
  const set = (change: Partial<FunctionFormState>) => setForm((f) => ({ ...f, ...change }));

  const changeRuntime = (name: string) => {
    const family = runtimeFamily(name);
    const sameFamily = family === runtimeFamily(form.runtime);
    const change: Partial<FunctionFormState> = { runtime: name };
    if (!sameFamily) {
      if (!handlerTouched) change.handler = defaultHandler(name);
      if (form.source === "editor" && form.code === starterCode(form.runtime)) {
        change.code = starterCode(name);
      }
      if (form.files.length > 0 && !handlerTouched) {
        change.handler = suggestHandler(name, form.files.map((f) => f.path));
      }
    }
    set(change);
  };

  const pickFiles = async (list: FileList | null, folder: boolean) => {
    const picked = [...list ?? []];
    const paths = folder
      ? stripTopFolder(picked.map((f) => f.webkitRelativePath || f.name))
      : picked.map((f) => f.name);
    const files: CodeFile[] = await Promise.all(
      picked.map(async (f, i) => ({ path: paths[i], data: new Uint8Array(await f.arrayBuffer()) })),
    );
    const change: Partial<FunctionFormState> = { files };
    if (!handlerTouched) {
      const suggestion = suggestHandler(form.runtime, paths);
      if (suggestion) change.handler = suggestion;
    }
    set(change);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = buildDefinition(form);
    if (!result.ok) {
      setError({ field: result.field, text: result.error });
      document.getElementById(`fn-${result.field}`)?.focus();
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      if (props.update) {
        const answer = await props.api.update(result.body);
        props.onDone(`Updated "${answer.Updated}" (${answer.Runtime})`, answer.Updated);
      } else {
        const answer = await props.api.create(result.body);
        props.onDone(`Created "${answer.Created}" (${answer.Runtime})`, answer.Created);
      }
    } catch (e) {
      setError({ text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: string) => error?.field === field ? true : undefined;
  const custom = form.runtime === "custom";
  const title = props.update ? `Update ${form.name}` : "New function";
  return (
    <Card id="function-form-title" title={title}>
      <form onSubmit={submit} class="space-y-4" aria-describedby="function-form-error" noValidate>
        <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Name" for="fn-name" hint="Letters, digits, '_' and '-'">
            <Input
              id="fn-name"
              name="name"
              value={form.name}
              required
              autocomplete="off"
              disabled={props.update}
              aria-invalid={invalid("name")}
              onInput={(e) => set({ name: e.currentTarget.value })}
            />
          </Field>
          <Field
            label="Runtime"
            for="fn-runtime"
            hint={runtime && runtime.Aliases.length > 0
              ? `Also accepted as ${runtime.Aliases.join(", ")}`
              : undefined}
          >
            <Select
              id="fn-runtime"
              name="runtime"
              value={runtime?.Name ?? form.runtime}
              onChange={(e) => changeRuntime(e.currentTarget.value)}
            >
              {props.runtimes.map((r) => (
                <option key={r.Name} value={r.Name}>{r.Name} — {r.Language}</option>
              ))}
            </Select>
          </Field>
          <Field label="Memory (MB)" for="fn-memory">
            <Input
              id="fn-memory"
              name="memory"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={form.memory}
              aria-invalid={invalid("memory")}
              onInput={(e) => set({ memory: e.currentTarget.value })}
            />
          </Field>
          {custom
            ? (
              <Field label="Custom image" for="fn-customImage" hint="A local Docker image">
                <Input
                  id="fn-customImage"
                  name="customImage"
                  value={form.customImage}
                  aria-invalid={invalid("customImage")}
                  onInput={(e) => set({ customImage: e.currentTarget.value })}
                />
              </Field>
            )
            : null}
          <Field
            label="Handler"
            for="fn-handler"
            hint={runtime ? `Format: ${runtime.HandlerFormat}` : undefined}
          >
            <Input
              id="fn-handler"
              name="handler"
              value={form.handler}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={invalid("handler")}
              onInput={(e) => {
                setHandlerTouched(true);
                set({ handler: e.currentTarget.value });
              }}
            />
          </Field>
        </div>
        <details class="rounded-md border border-slate-200 px-3 py-2 dark:border-slate-700">
          <summary class={`cursor-pointer text-sm font-medium ${focusRing}`}>Limits</summary>
          <div class="mt-3 grid grid-cols-1 gap-4 sm:grid-cols-3">
            <Field label="CPU demand" for="fn-cpu" hint="CPUs, e.g. 0.5; empty = none">
              <Input
                id="fn-cpu"
                type="number"
                min={0}
                step={0.1}
                inputMode="decimal"
                value={form.cpu}
                aria-invalid={invalid("cpu")}
                onInput={(e) => set({ cpu: e.currentTarget.value })}
              />
            </Field>
            <Field label="Max concurrency" for="fn-maxConcurrency" hint="Requests per container">
              <Input
                id="fn-maxConcurrency"
                type="number"
                min={1}
                step={1}
                value={form.maxConcurrency}
                placeholder="1"
                aria-invalid={invalid("maxConcurrency")}
                onInput={(e) => set({ maxConcurrency: e.currentTarget.value })}
              />
            </Field>
            <Field label="Timeout (s)" for="fn-timeout" hint="Empty = the node's default">
              <Input
                id="fn-timeout"
                type="number"
                min={1}
                step={1}
                value={form.timeout}
                aria-invalid={invalid("timeout")}
                onInput={(e) => set({ timeout: e.currentTarget.value })}
              />
            </Field>
          </div>
        </details>
        <fieldset>
          <legend class="mb-1 text-sm font-medium">Code</legend>
          <div class="mb-3 inline-flex rounded-md border border-slate-300 p-0.5 dark:border-slate-600">
            {SOURCES.map((s) => (
              <label
                key={s.value}
                class={`cursor-pointer rounded px-3 py-1 text-sm focus-within:ring-2 focus-within:ring-sky-500 ${
                  form.source === s.value
                    ? "bg-sky-600 text-white dark:bg-sky-500 dark:text-slate-900"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-700"
                }`}
              >
                <input
                  type="radio"
                  name="code-source"
                  value={s.value}
                  class="sr-only"
                  checked={form.source === s.value}
                  onChange={() => {
                    set({ source: s.value, files: [] });
                    if (fileInput.current) fileInput.current.value = "";
                  }}
                />
                {s.label}
              </label>
            ))}
          </div>
          {form.source === "editor"
            ? (
              <Field
                label={`Saved as ${editorFileName(form.runtime, form.handler)}`}
                for="fn-code"
                hint={props.update
                  ? "The node keeps no copy to show: give the code again"
                  : undefined}
              >
                <TextArea
                  id="fn-code"
                  name="code"
                  rows={10}
                  wrap="off"
                  value={form.code}
                  aria-invalid={invalid("code")}
                  onInput={(e) => set({ code: e.currentTarget.value })}
                />
              </Field>
            )
            : (
              <Field
                label={form.source === "folder" ? "Folder" : "Files"}
                for="fn-files"
                hint={form.source === "folder"
                  ? "Its files are packed relative to the folder"
                  : "One or more files, packed side by side (a .tar works too as a file)"}
              >
                <input
                  ref={fileInput}
                  id="fn-files"
                  type="file"
                  multiple
                  key={form.source}
                  {...(form.source === "folder" ? { webkitdirectory: true } : {})}
                  aria-invalid={invalid("files")}
                  class={`block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-200 dark:file:bg-slate-700 dark:file:text-slate-100 ${focusRing}`}
                  onChange={(e) => pickFiles(e.currentTarget.files, form.source === "folder")}
                />
              </Field>
            )}
          {form.source !== "editor" && form.files.length > 0 && (
            <ul class={`mt-2 space-y-0.5 text-xs ${mutedClass}`} data-testid="picked-files">
              {form.files.map((f) => (
                <li key={f.path} class="font-mono">
                  {f.path} <span>({formatNumber(f.data.length / 1024, 1)} KB)</span>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div id="function-form-error">{error && <ErrorText>{error.text}</ErrorText>}</div>
        <div class="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? "Saving…" : props.update ? "Update function" : "Create function"}
          </Button>
          {props.update && <Button onClick={props.onCancel}>Cancel</Button>}
          {!props.update && (
            <Button
              variant="ghost"
              onClick={() => setForm(emptyForm(form.runtime))}
            >
              Reset
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}
