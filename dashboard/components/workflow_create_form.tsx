/**
 * The form that creates a workflow: its name and its ASL definition, pasted or picked as a
 * `.json` file, optionally replacing one of the same name. The node validates the definition;
 * its message (which names the state and the field) is shown when it refuses. A preview draws
 * the definition as it is typed.
 *
 * @module
 */
import { useMemo, useState } from "preact/hooks";
import type { NodeApi } from "../lib/api.ts";
import { type GraphResult, layoutGraph } from "../lib/workflow_layout.ts";
import { mutedClass } from "../styles.ts";
import { Check } from "./invoke_fields.tsx";
import { Button, Card, ErrorText, Field, Input, TextArea } from "./ui.tsx";
import { WorkflowGraph } from "./workflow_graph.tsx";

/** A starting point for the definition. */
export const EXAMPLE_DEFINITION = JSON.stringify(
  {
    Comment: "Replace hello with one of your functions",
    StartAt: "Hello",
    States: { Hello: { Type: "Task", Resource: "hello", End: true } },
  },
  null,
  2,
);

/** Props of {@linkcode WorkflowCreateForm}. */
export interface WorkflowCreateFormProps {
  /** The node's API. */
  api: NodeApi;
  /** Reads a definition into its graph (for the preview). */
  toGraph(definition: string): GraphResult;
  /** Turns an error into its message. */
  guard(error: unknown): string;
  /** Called once the node created it. */
  onCreated(name: string, message: string): void;
}

/** The create form. */
export function WorkflowCreateForm(props: WorkflowCreateFormProps) {
  const [name, setName] = useState("");
  const [definition, setDefinition] = useState(EXAMPLE_DEFINITION);
  const [overwrite, setOverwrite] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const preview = useMemo(() => props.toGraph(definition), [definition]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (name.trim() === "") {
      setError("Name: give the workflow a name");
      document.getElementById("wf-name")?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const { Created } = await props.api.createWorkflow(name.trim(), definition, overwrite);
      props.onCreated(Created, `Created "${Created}"`);
      setName("");
    } catch (e) {
      setError(props.guard(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card id="workflow-create-title" title="Create a workflow">
      <form
        class="space-y-4"
        onSubmit={submit}
        aria-describedby={error ? "wf-create-error" : undefined}
      >
        <Field label="Workflow name" for="wf-name">
          <Input
            id="wf-name"
            value={name}
            autoComplete="off"
            class="font-mono"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field
          label="Definition (Amazon States Language, JSON)"
          for="wf-definition"
          hint="Task states name functions of this node in Resource."
        >
          <TextArea
            id="wf-definition"
            rows={10}
            value={definition}
            aria-describedby="wf-definition-hint wf-preview-status"
            onInput={(e) => setDefinition(e.currentTarget.value)}
          />
        </Field>
        <Field label="Or pick a .json file" for="wf-file">
          <input
            id="wf-file"
            type="file"
            accept=".json,.asl.json,application/json"
            class="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium dark:file:bg-slate-700 dark:file:text-slate-100"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              setDefinition(await file.text());
              if (name.trim() === "") setName(file.name.replace(/(\.asl)?\.json$/i, ""));
            }}
          />
        </Field>
        <Check
          id="wf-overwrite"
          label="Replace a workflow of the same name"
          checked={overwrite}
          onChange={setOverwrite}
        />
        <div>
          <p
            id="wf-preview-status"
            class={`mb-1 text-xs ${mutedClass}`}
            data-testid="wf-preview-status"
          >
            {preview.ok ? "Preview" : `Preview not drawn: ${preview.error}`}
          </p>
          {preview.ok && (
            <div class="max-h-80 overflow-auto rounded-md border border-slate-200 dark:border-slate-700">
              <WorkflowGraph
                layout={layoutGraph(preview.graph)}
                label="Preview of the definition"
                testId="workflow-preview"
              />
            </div>
          )}
        </div>
        {error && (
          <div id="wf-create-error" data-testid="wf-create-error">
            <ErrorText>{error}</ErrorText>
          </div>
        )}
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? "Creating…" : "Create workflow"}
        </Button>
      </form>
    </Card>
  );
}
