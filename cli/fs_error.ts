/**
 * The user's files: read by the path given (a relative one from the user's directory), and
 * file-system errors in a few words, for messages such as
 * `Cannot read source "x.py": no such file or directory`.
 *
 * @module
 */
import { resolve } from "node:path";
import { CliError } from "./errors.ts";

/** A file-system error in a few words (`no such file or directory`, `permission denied`). */
export function describeFsError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a folder";
  return error instanceof Error ? error.message : String(error);
}

/**
 * The text of the user's file `path` (a relative one read from `cwd`); a {@linkcode CliError}
 * `Cannot read <what> "<path>": <reason>` when it cannot be read.
 */
export async function readUserTextFile(path: string, cwd: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(resolve(cwd, path));
  } catch (error) {
    throw new CliError(`Cannot read ${what} "${path}": ${describeFsError(error)}`, {
      cause: error,
    });
  }
}
