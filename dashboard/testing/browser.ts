/**
 * Test fixture: Debian's headless Chromium driven by `playwright-core`, with a fresh profile,
 * and screenshots saved under `test-artifacts/dashboard/` (ignored by git).
 *
 * @example
 * ```ts
 * import { openBrowser } from "./browser.ts";
 *
 * await using browser = await openBrowser();
 * await browser.page.goto("http://127.0.0.1:1323/");
 * await browser.screenshot("overview");
 * ```
 *
 * @module
 */
import { join } from "node:path";
import "./fs_exists_shim.ts";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Folder of the screenshots, under the project root. */
export const ARTIFACTS_DIR = new URL("../../test-artifacts/dashboard/", import.meta.url).pathname;

/** Chromium flags: headless, no sandbox (root in CI), nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** An open browser with one page. */
export interface TestBrowser extends AsyncDisposable {
  /** The browser context (its own fresh profile). */
  context: BrowserContext;
  /** The page. */
  page: Page;
  /** Errors the page threw or logged (`console.error`). */
  errors: string[];
  /** Saves a full-page screenshot as `test-artifacts/dashboard/<name>.png`; answers its path. */
  screenshot(name: string): Promise<string>;
}

/** Options of {@linkcode openBrowser}. */
export interface OpenBrowserOptions {
  /** Viewport size. @default 1280 × 900 */
  viewport?: { width: number; height: number };
  /** Colour scheme the page sees. @default "light" */
  colorScheme?: "light" | "dark";
}

/** Whether Chromium is installed. */
export async function hasChromium(): Promise<boolean> {
  try {
    return (await Deno.stat(CHROMIUM)).isFile;
  } catch {
    return false;
  }
}

/** Starts Chromium with a fresh `--user-data-dir` (removed at dispose). */
export async function openBrowser(options: OpenBrowserOptions = {}): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "serverledge-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? "light",
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    // Expected 404s (a poll before the report exists) are logged as resource errors: not ours.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  await Deno.mkdir(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    page,
    errors,
    async screenshot(name) {
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
