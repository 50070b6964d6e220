/**
 * Test fixture: tokens files, written as an operator would with `serverledge token`.
 *
 * @example A tokens file with an admin and a reader
 * ```ts
 * import { newToken } from "../../protocol/auth.ts";
 * import { writeTokensFile } from "./tokens.ts";
 *
 * const [admin, reader] = [newToken(), newToken()];
 * const path = `${await Deno.makeTempDir()}/tokens`;
 * await writeTokensFile(path, [[admin, "admin"], [reader, "read"]]);
 * ```
 *
 * @module
 */
import { type Role, tokenHash, tokenLine } from "../../protocol/auth.ts";

/** A token and the role, and optional function-name pattern, its tokens file line grants. */
export type TokenGrant = readonly [token: string, role: Role, pattern?: string];

/** The tokens file lines of `grants`, in their order. */
export function tokenLines(grants: readonly TokenGrant[]): Promise<string[]> {
  return Promise.all(
    grants.map(async ([token, role, pattern]) => tokenLine(await tokenHash(token), role, pattern)),
  );
}

/** Writes (or replaces) the tokens file at `path`: one line per grant, each ended by a newline. */
export async function writeTokensFile(path: string, grants: readonly TokenGrant[]): Promise<void> {
  await Deno.writeTextFile(path, (await tokenLines(grants)).map((line) => `${line}\n`).join(""));
}
