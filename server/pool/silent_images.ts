/**
 * Images whose last new container never answered: for {@linkcode SILENT_HOLD_MS} after that,
 * a start of the same image fails at once with the same reason instead of waiting out the
 * executor's ready timeout again for every request.
 *
 * @module
 */
import { ExecutorError } from "../containers/executor.ts";

/** Milliseconds a silent image's starts fail at once. */
export const SILENT_HOLD_MS = 60_000;

/** The images whose executor did not become ready lately, and why. */
export class SilentImages {
  readonly #now: () => number;
  readonly #silent = new Map<string, { since: number; error: ExecutorError }>();

  /** @param now the clock (ms) */
  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Throws the remembered failure when `image` was silent within the last
   * {@linkcode SILENT_HOLD_MS}.
   *
   * @throws {ExecutorError} what the last container of `image` did
   */
  check(image: string): void {
    const silent = this.#silent.get(image);
    if (!silent) return;
    const ago = this.#now() - silent.since;
    if (ago >= SILENT_HOLD_MS) {
      this.#silent.delete(image);
      return;
    }
    throw new ExecutorError(
      "timeout",
      `${silent.error.message} (a container of image "${image}" was started ` +
        `${Math.round(ago / 1000)} s ago; the next one starts ${
          Math.ceil((SILENT_HOLD_MS - ago) / 1000)
        } s from now)`,
      { cause: silent.error },
    );
  }

  /** Records how a start of `image` ended: `error` when its executor never answered. */
  record(image: string, error?: unknown): void {
    if (error instanceof ExecutorError && error.failure === "timeout") {
      this.#silent.set(image, { since: this.#now(), error });
    } else if (!error) {
      this.#silent.delete(image);
    }
  }
}
