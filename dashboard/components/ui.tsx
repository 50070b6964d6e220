/**
 * Small building blocks shared by the dashboard's views: panels, buttons, fields, badges,
 * figures and bars.
 *
 * @module
 */
import type {
  ButtonHTMLAttributes,
  ComponentChildren,
  InputHTMLAttributes,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from "preact";
import { cardClass, focusRing, inputClass, mutedClass } from "../styles.ts";

/** A titled panel; its heading labels the region for screen readers. */
export function Card(props: {
  /** Heading text. */
  title: string;
  /** Element id of the heading (for `aria-labelledby`). */
  id: string;
  /** Controls or notes at the heading's right. */
  actions?: ComponentChildren;
  /** Extra classes (grid placement). */
  class?: string;
  /** Content. */
  children: ComponentChildren;
}) {
  return (
    <section aria-labelledby={props.id} class={`${cardClass} ${props.class ?? ""}`}>
      <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={props.id} class="text-base font-semibold tracking-tight">{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** Button looks. */
export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

const BUTTON_VARIANTS: Record<ButtonVariant, string> = {
  primary: "bg-sky-600 text-white hover:bg-sky-700 dark:bg-sky-500 dark:hover:bg-sky-400 " +
    "dark:text-slate-900 border-transparent",
  secondary: "bg-white text-slate-800 border-slate-300 hover:bg-slate-50 dark:bg-slate-800 " +
    "dark:text-slate-100 dark:border-slate-600 dark:hover:bg-slate-700",
  danger: "bg-white text-red-700 border-red-300 hover:bg-red-50 dark:bg-slate-800 " +
    "dark:text-red-300 dark:border-red-800 dark:hover:bg-red-900/40",
  ghost: "bg-transparent text-slate-700 border-transparent hover:bg-slate-100 " +
    "dark:text-slate-200 dark:hover:bg-slate-700",
};

/** A button; `variant` picks its look. */
export function Button(
  { variant = "secondary", class: extra = "", ...props }:
    & ButtonHTMLAttributes<HTMLButtonElement>
    & { variant?: ButtonVariant },
) {
  return (
    <button
      type="button"
      {...props}
      class={`inline-flex items-center justify-center gap-1.5 rounded-md border px-3 py-1.5 ` +
        `text-sm font-medium shadow-sm transition-colors disabled:cursor-not-allowed ` +
        `disabled:opacity-50 ${focusRing} ${BUTTON_VARIANTS[variant]} ${extra}`}
    />
  );
}

/** A labelled form field: `children` is the control, which must carry `id`. */
export function Field(props: {
  /** Label text. */
  label: string;
  /** Id of the control. */
  for: string;
  /** Help text under the control. */
  hint?: ComponentChildren;
  /** Extra classes. */
  class?: string;
  /** The control. */
  children: ComponentChildren;
}) {
  return (
    <div class={props.class}>
      <label for={props.for} class="mb-1 block text-sm font-medium">{props.label}</label>
      {props.children}
      {props.hint && (
        <p id={`${props.for}-hint`} class={`mt-1 text-xs ${mutedClass}`}>{props.hint}</p>
      )}
    </div>
  );
}

/** An input with the dashboard's look. */
export function Input({ class: extra = "", ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} class={`${inputClass} ${extra}`} />;
}

/** A select with the dashboard's look. */
export function Select({ class: extra = "", ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} class={`${inputClass} ${extra}`} />;
}

/** A text area with the dashboard's look (monospace). */
export function TextArea(
  { class: extra = "", ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>,
) {
  return <textarea {...props} class={`${inputClass} font-mono ${extra}`} spellcheck={false} />;
}

/** Badge colours. */
export type Tone = "neutral" | "good" | "warn" | "bad" | "info" | "cloud";

const TONES: Record<Tone, string> = {
  neutral: "bg-slate-100 text-slate-700 dark:bg-slate-700 dark:text-slate-200",
  good: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200",
  warn: "bg-amber-100 text-amber-800 dark:bg-amber-900/60 dark:text-amber-200",
  bad: "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
  info: "bg-sky-100 text-sky-800 dark:bg-sky-900/60 dark:text-sky-200",
  cloud: "bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200",
};

/** A small rounded label. */
export function Badge(props: { tone?: Tone; children: ComponentChildren; title?: string }) {
  return (
    <span
      title={props.title}
      class={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${
        TONES[props.tone ?? "neutral"]
      }`}
    >
      {props.children}
    </span>
  );
}

/** A labelled figure, for the status grid. */
export function Stat(props: {
  /** What it is. */
  label: string;
  /** The figure. */
  children: ComponentChildren;
  /** Smaller text under it. */
  detail?: ComponentChildren;
  /** Test hook. */
  testId?: string;
}) {
  return (
    <div class="min-w-0">
      <dt class={`text-xs uppercase tracking-wide ${mutedClass}`}>{props.label}</dt>
      <dd class="mt-0.5 truncate text-lg font-semibold tabular-nums" data-testid={props.testId}>
        {props.children}
      </dd>
      {props.detail && <dd class={`break-words text-xs ${mutedClass}`}>{props.detail}</dd>}
    </div>
  );
}

/** One segment of a {@linkcode Meter}. */
export interface MeterSegment {
  /** Percent of the whole (0–100). */
  percent: number;
  /** Tailwind background classes. */
  class: string;
  /** What it is (tooltip and legend). */
  label: string;
}

/**
 * A horizontal bar of stacked segments against a whole, exposed as a `meter` with its value and
 * a text description for assistive technology.
 */
export function Meter(props: {
  /** Accessible name. */
  label: string;
  /** Text read out as the value, e.g. "384 of 1024 MB". */
  valueText: string;
  /** Segments, in order. */
  segments: MeterSegment[];
  /** Test hook. */
  testId?: string;
}) {
  const total = Math.min(100, props.segments.reduce((n, s) => n + s.percent, 0));
  return (
    <div
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(total)}
      aria-valuetext={props.valueText}
      data-testid={props.testId}
      data-percent={total}
      class="flex h-3 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
    >
      {props.segments.map((s) => (
        <div
          key={s.label}
          title={`${s.label}: ${s.percent}%`}
          class={`h-full transition-all duration-500 ${s.class}`}
          style={{ width: `${s.percent}%` }}
        />
      ))}
    </div>
  );
}

/** A line telling an error, announced to screen readers. */
export function ErrorText(props: { children: ComponentChildren }) {
  return (
    <p
      role="alert"
      class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/40 dark:text-red-200"
    >
      {props.children}
    </p>
  );
}
