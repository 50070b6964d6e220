/**
 * For the CLI's tests: runs the CLI in this process with its output captured and a given
 * environment, as the program would run it.
 *
 * @module
 */
import { type CliEnvironment, runCli } from "./main.ts";

/** What a run printed and its exit code. */
export interface CapturedRun {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs the CLI with `args`, environment variables `vars`, relative paths read from `cwd`. */
export async function runCaptured(
  args: string[],
  vars: Record<string, string> = {},
  cwd: string = Deno.cwd(),
): Promise<CapturedRun> {
  const result = { stdout: "", stderr: "" };
  const environment: CliEnvironment = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    interactive: false,
    env: (name) => vars[name],
    cwd,
  };
  return { code: await runCli(args, environment), ...result };
}
