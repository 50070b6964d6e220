/**
 * What the programs' entry points (`main.ts`, `lb.ts`) share: a start that fails on the config
 * or a backing service ends with one line and exit code 1; SIGINT and SIGTERM stop them.
 *
 * @module
 */
import { ConfigError } from "./config/mod.ts";
import { HttpError } from "./errors.ts";

/**
 * Runs `main`; a `ConfigError` or `HttpError` it throws ends the process with
 * `Cannot start <what>: <message>` on stderr and exit code 1 (anything else is thrown on).
 */
export async function runProgram(what: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof HttpError) {
      console.error(`Cannot start ${what}: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}

/** Calls `stop` with the signal's name on SIGINT and SIGTERM, then exits with code 0. */
export function onStopSignals(stop: (signal: string) => Promise<void>): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, async () => {
      await stop(signal);
      Deno.exit(0);
    });
  }
}
