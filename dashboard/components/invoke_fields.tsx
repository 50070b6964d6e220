/**
 * The fields an invocation form shares between functions and workflows: the parameters (as
 * key/value rows or a JSON object), the QoS class and maximum response time, and a checkbox.
 *
 * @module
 */
import { type InvokeFormState, QOS_CLASSES, switchMode } from "../lib/invoke_form.ts";
import { focusRing, mutedClass } from "../styles.ts";
import { Button, Field, Input, Select, TextArea } from "./ui.tsx";

/** The parameter editor: key/value rows or JSON, switching between them keeps the values. */
export function ParamsEditor(props: {
  /** The form. */
  form: InvokeFormState;
  /** Prefix of the controls' ids. */
  idPrefix: string;
  /** Called with the changed form. */
  onChange(form: InvokeFormState): void;
  /** Called with why the editor could not switch (or `undefined`). */
  onError(error: string | undefined): void;
}) {
  const { form } = props;
  const set = (change: Partial<InvokeFormState>) => props.onChange({ ...form, ...change });
  return (
    <fieldset>
      <div class="mb-2 flex items-center justify-between gap-2">
        <legend class="text-sm font-medium">Parameters</legend>
        <div class="inline-flex rounded-md border border-slate-300 p-0.5 text-xs dark:border-slate-600">
          {(["rows", "json"] as const).map((mode) => (
            <button
              key={mode}
              type="button"
              aria-pressed={form.mode === mode}
              class={`rounded px-2 py-0.5 ${focusRing} ${
                form.mode === mode
                  ? "bg-sky-600 text-white dark:bg-sky-500 dark:text-slate-900"
                  : "hover:bg-slate-100 dark:hover:bg-slate-700"
              }`}
              onClick={() => {
                const next = switchMode(form, mode);
                props.onChange(next.form);
                props.onError(next.error);
              }}
            >
              {mode === "rows" ? "Key / value" : "JSON"}
            </button>
          ))}
        </div>
      </div>
      {form.mode === "rows"
        ? (
          <div class="space-y-2">
            {form.rows.map((row, i) => (
              <div key={i} class="flex gap-2">
                <Input
                  aria-label={`Parameter ${i + 1} name`}
                  placeholder="name"
                  value={row.key}
                  class="font-mono"
                  onInput={(e) => {
                    const rows = [...form.rows];
                    rows[i] = { ...row, key: e.currentTarget.value };
                    set({ rows });
                  }}
                />
                <Input
                  aria-label={`Parameter ${i + 1} value`}
                  placeholder="value (text or JSON)"
                  value={row.value}
                  class="font-mono"
                  onInput={(e) => {
                    const rows = [...form.rows];
                    rows[i] = { ...row, value: e.currentTarget.value };
                    set({ rows });
                  }}
                />
                <Button
                  variant="ghost"
                  aria-label={`Remove parameter ${i + 1}`}
                  onClick={() => {
                    const rows = form.rows.filter((_, j) => j !== i);
                    set({ rows: rows.length > 0 ? rows : [{ key: "", value: "" }] });
                  }}
                >
                  ✕
                </Button>
              </div>
            ))}
            <Button onClick={() => set({ rows: [...form.rows, { key: "", value: "" }] })}>
              Add parameter
            </Button>
            <p class={`text-xs ${mutedClass}`}>
              Values that read as JSON (2, true, [1, 2], "quoted") are sent as such; anything else
              as text.
            </p>
          </div>
        )
        : (
          <TextArea
            id={`${props.idPrefix}-json`}
            aria-label="Parameters as a JSON object"
            rows={6}
            value={form.json}
            onInput={(e) => set({ json: e.currentTarget.value })}
          />
        )}
    </fieldset>
  );
}

/** The QoS class and the maximum response time. */
export function QosFields(props: {
  /** The form. */
  form: InvokeFormState;
  /** Prefix of the controls' ids. */
  idPrefix: string;
  /** Called with the changed fields. */
  onChange(change: Partial<InvokeFormState>): void;
}) {
  const { form } = props;
  return (
    <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
      <Field label="QoS class" for={`${props.idPrefix}-qos`}>
        <Select
          id={`${props.idPrefix}-qos`}
          value={String(form.qosClass)}
          onChange={(e) => props.onChange({ qosClass: Number(e.currentTarget.value) })}
        >
          {QOS_CLASSES.map((q) => <option key={q.value} value={q.value}>{q.label}</option>)}
        </Select>
      </Field>
      <Field label="Max response time (s)" for={`${props.idPrefix}-maxrespt`} hint="Empty = none">
        <Input
          id={`${props.idPrefix}-maxrespt`}
          type="number"
          min={0}
          step={0.1}
          inputMode="decimal"
          value={form.maxRespT}
          onInput={(e) => props.onChange({ maxRespT: e.currentTarget.value })}
        />
      </Field>
    </div>
  );
}

/** A labelled checkbox. */
export function Check(
  props: { id: string; label: string; checked: boolean; onChange(v: boolean): void },
) {
  return (
    <label for={props.id} class="flex cursor-pointer items-center gap-2 text-sm">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
        class={`h-4 w-4 rounded border-slate-300 accent-sky-600 ${focusRing}`}
      />
      {props.label}
    </label>
  );
}
