/**
 * File-system errors in a few words, for messages such as
 * `Cannot read source "x.py": no such file or directory`.
 *
 * @module
 */

/** A file-system error in a few words (`no such file or directory`, `permission denied`). */
export function describeFsError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a folder";
  return error instanceof Error ? error.message : String(error);
}
