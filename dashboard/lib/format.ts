/**
 * Number, time and signature formats of the dashboard.
 *
 * @module
 */
import type { FunctionSignature, SignatureEntry } from "../../protocol/function.ts";

/** Seconds as a short duration: `42 s`, `5 min 3 s`, `2 h 7 min`, `3 d 4 h`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Megabytes as `512 MB`, `1.5 GB`, `24 GB`. */
export function formatMB(mb: number): string {
  if (!Number.isFinite(mb)) return "–";
  if (Math.abs(mb) < 1024) return `${Math.round(mb)} MB`;
  const gb = mb / 1024;
  return `${gb < 10 ? gb.toFixed(1).replace(/\.0$/, "") : Math.round(gb)} GB`;
}

/** A time in seconds (as reports give it) as `0.4 ms`, `12 ms`, `1.23 s`, `2 min 5 s`. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const ms = seconds * 1000;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  return formatUptime(seconds);
}

/** A number with at most `digits` decimals, without trailing zeros: `0.5`, `2`, `1.25`. */
export function formatNumber(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  return String(Math.round(n * 10 ** digits) / 10 ** digits);
}

/** How long ago `then` was, seen at `now` (both ms): `just now`, `12 s ago`, `3 min ago`. */
export function formatAgo(then: number, now: number = Date.now()): string {
  const s = Math.round((now - then) / 1000);
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** A clock time `HH:MM:SS` of `ms` since the epoch, in the browser's time zone. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0"))
    .join(":");
}

/**
 * A function's JSON result text pretty-printed when it is JSON (`"\"hi\""` → `"hi"`), as is
 * otherwise.
 */
export function formatResult(result: string): string {
  if (result === "") return "";
  try {
    return JSON.stringify(JSON.parse(result), null, 2);
  } catch {
    return result;
  }
}

/** A function's `Signature` on one line: `(a: Int, b: Int) → (sum: Float)`; `""` for none. */
export function formatSignature(signature: FunctionSignature | null | undefined): string {
  if (!signature) return "";
  const list = (entries: readonly SignatureEntry[]) =>
    `(${entries.map((e) => e.Name === "" ? e.Type : `${e.Name}: ${e.Type}`).join(", ")})`;
  return `${list(signature.Inputs)} → ${list(signature.Outputs)}`;
}
