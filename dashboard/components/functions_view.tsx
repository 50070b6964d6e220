/**
 * The functions view: the node's functions with their warm/busy containers and actions
 * (invoke, update, prewarm, delete), and the create/update form.
 *
 * @module
 */
import { useMemo, useState } from "preact/hooks";
import type { NodeApi } from "../lib/api.ts";
import { formatMB, formatSignature } from "../lib/format.ts";
import { emptyForm, formFromFunction, type FunctionFormState } from "../lib/function_form.ts";
import type { FunctionInfo, RuntimeInfo } from "../../protocol/function.ts";
import type { PoolStatus } from "../../protocol/status.ts";
import { mutedClass } from "../styles.ts";
import { FunctionForm } from "./function_form.tsx";
import { Badge, Button, Card, ErrorText, Input } from "./ui.tsx";

/** Props of {@linkcode FunctionsView}. */
export interface FunctionsViewProps {
  /** The node's API. */
  api: NodeApi;
  /** The functions (undefined while loading). */
  functions: FunctionInfo[] | undefined;
  /** Why they could not be loaded. */
  loadError: string | undefined;
  /** The pool, for warm/busy counts. */
  pool: PoolStatus | undefined;
  /** The node's runtimes. */
  runtimes: RuntimeInfo[];
  /** Reloads the list. */
  onChanged(): void;
  /** Opens the invoke view on a function. */
  onInvoke(name: string): void;
}

/** The functions view. */
export function FunctionsView(props: FunctionsViewProps) {
  const defaultRuntime = props.runtimes[0]?.Name ?? "python311";
  const blank = useMemo(() => emptyForm(defaultRuntime), [defaultRuntime]);
  const [editing, setEditing] = useState<{ form: FunctionFormState; update: boolean }>({
    form: blank,
    update: false,
  });
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const act = async (what: () => Promise<string>) => {
    setError(undefined);
    try {
      setMessage(await what());
      props.onChanged();
    } catch (e) {
      setMessage(undefined);
      setError((e as Error).message);
    }
  };

  return (
    <div class="grid grid-cols-1 gap-4 lg:grid-cols-5 lg:gap-6">
      <Card id="functions-title" title="Functions" class="lg:col-span-2 self-start">
        <div role="status" aria-live="polite" class="mb-2 text-sm" data-testid="functions-message">
          {message && <p class="text-emerald-700 dark:text-emerald-300">{message}</p>}
        </div>
        {error && (
          <div class="mb-2">
            <ErrorText>{error}</ErrorText>
          </div>
        )}
        {props.loadError && <ErrorText>{props.loadError}</ErrorText>}
        {props.functions === undefined && !props.loadError && (
          <p class={`text-sm ${mutedClass}`}>Loading…</p>
        )}
        {props.functions?.length === 0 && (
          <p class={`text-sm ${mutedClass}`}>No function yet: create one with the form.</p>
        )}
        <ul class="space-y-3" data-testid="function-list">
          {props.functions?.map((fn) => (
            <FunctionItem
              key={fn.Name}
              fn={fn}
              pool={props.pool}
              onInvoke={() => props.onInvoke(fn.Name)}
              onEdit={() => {
                setEditing({ form: formFromFunction(fn), update: true });
                setTimeout(() => document.getElementById("fn-memory")?.focus(), 0);
              }}
              onPrewarm={(n) =>
                act(async () => {
                  const { Prewarmed } = await props.api.prewarm(fn.Name, n);
                  return `Prewarmed ${Prewarmed} container(s) of "${fn.Name}"` +
                    (Prewarmed < n ? ` (asked for ${n}: no room for more)` : "");
                })}
              onDelete={() =>
                act(async () => {
                  await props.api.delete(fn.Name);
                  if (editing.update && editing.form.name === fn.Name) {
                    setEditing({ form: blank, update: false });
                  }
                  return `Deleted "${fn.Name}"`;
                })}
            />
          ))}
        </ul>
      </Card>
      <div class="lg:col-span-3">
        <FunctionForm
          api={props.api}
          runtimes={props.runtimes}
          initial={editing.form}
          update={editing.update}
          onDone={(text) => {
            setError(undefined);
            setMessage(text);
            setEditing({ form: emptyForm(editing.form.runtime), update: false });
            props.onChanged();
          }}
          onCancel={() => setEditing({ form: blank, update: false })}
        />
      </div>
    </div>
  );
}

function FunctionItem(props: {
  fn: FunctionInfo;
  pool: PoolStatus | undefined;
  onInvoke(): void;
  onEdit(): void;
  onPrewarm(instances: number): void;
  onDelete(): void;
}) {
  const { fn } = props;
  const [confirming, setConfirming] = useState(false);
  const [instances, setInstances] = useState("1");
  const occupancy = props.pool?.Functions[fn.Name];
  const id = `fn-item-${fn.Name}`;
  return (
    <li
      class="rounded-lg border border-slate-200 p-3 dark:border-slate-700"
      aria-labelledby={id}
      data-testid={`function-${fn.Name}`}
    >
      <div class="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={id} class="font-mono text-sm font-semibold">{fn.Name}</h3>
        <div class="flex flex-wrap gap-1">
          <Badge>{fn.Runtime}</Badge>
          <Badge>{formatMB(fn.MemoryMB)}</Badge>
          {occupancy && occupancy.Idle > 0 && <Badge tone="good">{occupancy.Idle} warm</Badge>}
          {occupancy && occupancy.Busy > 0 && <Badge tone="info">{occupancy.Busy} busy</Badge>}
        </div>
      </div>
      <p class={`mt-1 truncate font-mono text-xs ${mutedClass}`} title={fn.Handler}>
        {fn.Handler || fn.CustomImage}
      </p>
      {fn.Signature && (
        <p
          class={`truncate font-mono text-xs ${mutedClass}`}
          title="Signature"
          data-testid={`signature-${fn.Name}`}
        >
          {formatSignature(fn.Signature)}
        </p>
      )}
      <div class="mt-2 flex flex-wrap items-center gap-2">
        <Button variant="primary" onClick={props.onInvoke} aria-label={`Invoke ${fn.Name}`}>
          Invoke
        </Button>
        <Button onClick={props.onEdit} aria-label={`Update ${fn.Name}`}>Update</Button>
        <span class="inline-flex items-center gap-1">
          <Input
            type="number"
            min={1}
            max={100}
            value={instances}
            class="!w-16 !py-1.5"
            aria-label={`Containers to prewarm for ${fn.Name}`}
            onInput={(e) => setInstances(e.currentTarget.value)}
          />
          <Button
            onClick={() => props.onPrewarm(Math.max(1, Math.floor(Number(instances) || 1)))}
            aria-label={`Prewarm ${fn.Name}`}
          >
            Prewarm
          </Button>
        </span>
        {confirming
          ? (
            <span class="inline-flex gap-1">
              <Button
                variant="danger"
                onClick={() => {
                  setConfirming(false);
                  props.onDelete();
                }}
                aria-label={`Confirm delete ${fn.Name}`}
              >
                Really delete
              </Button>
              <Button variant="ghost" onClick={() => setConfirming(false)}>Keep</Button>
            </span>
          )
          : (
            <Button
              variant="danger"
              onClick={() => setConfirming(true)}
              aria-label={`Delete ${fn.Name}`}
            >
              Delete
            </Button>
          )}
      </div>
    </li>
  );
}
