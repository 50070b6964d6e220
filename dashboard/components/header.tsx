/**
 * The top bar: the node's name and role, the connection state, and the views.
 *
 * @module
 */
import type { LiveMode } from "../lib/live.ts";
import type { NodeStatus } from "../../protocol/status.ts";
import { focusRing } from "../styles.ts";
import { Badge, type Tone } from "./ui.tsx";

/** The dashboard's views. */
export type View = "overview" | "functions" | "invoke" | "workflows";

/** The views, in tab order. */
export const VIEWS: readonly { id: View; label: string }[] = [
  { id: "overview", label: "Overview" },
  { id: "functions", label: "Functions" },
  { id: "invoke", label: "Invoke" },
  { id: "workflows", label: "Workflows" },
];

const MODES: Record<LiveMode, { tone: Tone; label: string }> = {
  connecting: { tone: "neutral", label: "Connecting…" },
  live: { tone: "good", label: "Live" },
  polling: { tone: "warn", label: "Polling" },
  offline: { tone: "bad", label: "Offline" },
  unauthorized: { tone: "bad", label: "Token needed" },
};

/** The header. */
export function Header(props: {
  status: NodeStatus | undefined;
  mode: LiveMode;
  detail: string | undefined;
  view: View;
}) {
  const mode = MODES[props.mode];
  return (
    <header class="border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-700 dark:bg-slate-900/90 sticky top-0 z-10">
      <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
        <div class="flex min-w-0 items-center gap-2">
          <Logo />
          <span class="font-semibold tracking-tight">Serverledge</span>
          {props.status && (
            <span class="truncate font-mono text-sm text-slate-500 dark:text-slate-400">
              {props.status.Id}
            </span>
          )}
        </div>
        <div
          class="ml-auto"
          role="status"
          aria-live="polite"
          data-testid="connection"
          data-mode={props.mode}
        >
          <Badge tone={mode.tone} title={props.detail}>
            <span
              aria-hidden="true"
              class={`inline-block h-1.5 w-1.5 rounded-full ${
                props.mode === "live" ? "bg-emerald-500 animate-pulse" : "bg-current"
              }`}
            />
            {mode.label}
          </Badge>
        </div>
        <nav aria-label="Views" class="order-last w-full sm:order-none sm:w-auto">
          <ul class="flex flex-wrap gap-1">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a
                  href={`#/${v.id}`}
                  aria-current={props.view === v.id ? "page" : undefined}
                  class={`block rounded-md px-3 py-1.5 text-sm font-medium ${focusRing} ${
                    props.view === v.id
                      ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                      : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                  }`}
                >
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </header>
  );
}

function Logo() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" class="h-6 w-6 text-sky-600 dark:text-sky-400">
      <path
        fill="currentColor"
        d="M13 2 4 14h6l-1 8 9-12h-6l1-8z"
      />
    </svg>
  );
}

/**
 * The view a location hash names (`#/functions`), overview by default, with the function or
 * workflow it names (`#/invoke/<function>`, `#/workflows/<workflow>`).
 */
export function viewFromHash(hash: string): { view: View; fn?: string } {
  const [, view, fn] = hash.replace(/^#/, "").split("/");
  const known = VIEWS.find((v) => v.id === view);
  return { view: known?.id ?? "overview", fn: fn ? decodeURIComponent(fn) : undefined };
}
