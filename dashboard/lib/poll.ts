/**
 * Polling for the report of an asynchronous request, as both invoke forms do it.
 *
 * @module
 */
import { sleep } from "../../server/timing/sleep.ts";

/** Options of {@linkcode pollForReport}. */
export interface PollOptions {
  /** Stops polling. */
  signal: AbortSignal;
  /** Milliseconds between two polls. @default 500 */
  intervalMs?: number;
  /** Milliseconds after which polling gives up. @default 600000 (10 minutes) */
  limitMs?: number;
}

/**
 * Calls `poll` until it answers a report; rejects when polling is stopped, takes longer than the
 * limit, or `poll` fails.
 */
export async function pollForReport<T>(
  poll: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> {
  const intervalMs = options.intervalMs ?? 500;
  const limitMs = options.limitMs ?? 10 * 60_000;
  const deadline = Date.now() + limitMs;
  while (!options.signal.aborted) {
    const report = await poll();
    if (report !== undefined) return report;
    if (Date.now() > deadline) {
      throw new Error(`No report after ${Math.round(limitMs / 60_000)} minutes`);
    }
    await sleep(intervalMs, options.signal);
  }
  throw new Error("Polling stopped");
}
