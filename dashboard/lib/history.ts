/**
 * The invoke view's short history: the last requests made from this browser, newest first,
 * kept in `localStorage` across reloads.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";

/** One request made from the dashboard. */
export interface HistoryEntry {
  /** Unique id. */
  id: string;
  /** Function name. */
  fn: string;
  /** Parameters sent. */
  params: Record<string, unknown>;
  /** Whether it was asynchronous. */
  async: boolean;
  /** When it was sent (ms since the epoch). */
  at: number;
  /** Its report, once there is one. */
  report?: ExecutionReport;
  /** Why there is no report (HTTP error, unreachable node). */
  error?: string;
  /** Async request id. */
  reqId?: string;
}

/** Entries kept. */
export const HISTORY_LIMIT = 10;

const STORAGE_KEY = "serverledge.dashboard.history";

/** `entries` with `entry` in front (replacing one of the same id), at most `limit` long. */
export function addEntry(
  entries: readonly HistoryEntry[],
  entry: HistoryEntry,
  limit: number = HISTORY_LIMIT,
): HistoryEntry[] {
  return [entry, ...entries.filter((e) => e.id !== entry.id)].slice(0, limit);
}

/** `entries` with the entry of `id` changed by `change` (in place in the order). */
export function updateEntry(
  entries: readonly HistoryEntry[],
  id: string,
  change: Partial<HistoryEntry>,
): HistoryEntry[] {
  return entries.map((e) => e.id === id ? { ...e, ...change } : e);
}

/** Reads the stored history; anything unreadable gives an empty one. */
export function loadHistory(storage: Pick<Storage, "getItem"> | undefined): HistoryEntry[] {
  try {
    const parsed = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((e) =>
      typeof e === "object" && e !== null && typeof e.id === "string" && typeof e.fn === "string"
    ).slice(0, HISTORY_LIMIT);
  } catch {
    return [];
  }
}

/** Stores the history (a full or missing storage is ignored). */
export function saveHistory(
  storage: Pick<Storage, "setItem"> | undefined,
  entries: readonly HistoryEntry[],
): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(entries));
  } catch {
    // private mode or full: the history lives for this page only
  }
}
