/**
 * The journal of a workflow run: the outcome of each completed task attempt and the deadline
 * of each wait, keyed by step id. A run replayed from its journal answers journaled tasks from
 * it (they do not run again) and keeps the deadlines it had, so it reaches the same state.
 *
 * @module
 */
import type { ExecutionReport } from "../../protocol/invocation.ts";

/** The outcome of one task attempt. */
export interface TaskOutcome {
  /** The function's execution report (where it ran, cold or warm, times). */
  readonly report: ExecutionReport;
  /** Its output (JSON), when it succeeded. */
  readonly output?: unknown;
  /** The ASL error it failed with, when it failed. */
  readonly error?: { readonly error: string; readonly cause: string };
}

/** What a run has done so far. */
export interface JournalEntries {
  /** Completed task attempts, by step id. */
  readonly tasks: Record<string, TaskOutcome>;
  /** Wait deadlines (epoch ms), by wait id. */
  readonly waits: Record<string, number>;
}

/**
 * A run's journal, told of each task outcome and wait deadline; `persist` is called after
 * each change with every entry (an async run stores them in the registry), one call at a time.
 */
export class Journal {
  readonly #entries: { tasks: Record<string, TaskOutcome>; waits: Record<string, number> };
  readonly #persist: (entries: JournalEntries) => Promise<void>;
  #writes: Promise<void> = Promise.resolve();

  /**
   * @param entries what an earlier run of the same request journaled (empty for a new run)
   * @param persist stores the entries after each change; none for a sync run
   */
  constructor(
    entries: JournalEntries = { tasks: {}, waits: {} },
    persist: (entries: JournalEntries) => Promise<void> = () => Promise.resolve(),
  ) {
    this.#entries = { tasks: { ...entries.tasks }, waits: { ...entries.waits } };
    this.#persist = persist;
  }

  /** The journaled outcome of `step`, if it completed. */
  task(step: string): TaskOutcome | undefined {
    return this.#entries.tasks[step];
  }

  /** Journals the outcome of `step`; resolves once it is persisted. */
  recordTask(step: string, outcome: TaskOutcome): Promise<void> {
    this.#entries.tasks[step] = outcome;
    return this.#write();
  }

  /** The deadline of wait `step`: the journaled one, else `until` (journaled now). */
  async deadline(step: string, until: number): Promise<number> {
    const known = this.#entries.waits[step];
    if (known !== undefined) return known;
    this.#entries.waits[step] = until;
    await this.#write();
    return until;
  }

  #write(): Promise<void> {
    const entries = { tasks: { ...this.#entries.tasks }, waits: { ...this.#entries.waits } };
    return this.#writes = this.#writes.then(() => this.#persist(entries));
  }
}
