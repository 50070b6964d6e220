/**
 * Waits of the dashboard's end-to-end tests: for a locator's text, for any condition.
 *
 * @module
 */
import type { Locator } from "playwright-core";

/** Waits until `locator`'s text matches `pattern`; answers the text. */
export async function text(locator: Locator, pattern: RegExp, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline) {
    last = (await locator.first().textContent({ timeout: 1000 }).catch(() => "")) ?? "";
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${pattern} (last text: ${JSON.stringify(last)})`);
}

/** Waits until `probe` answers true. */
export async function until(
  probe: () => Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
