/**
 * The tokens file's content: one token per line, `sha256:<hex of the token's SHA-256> <role>
 * [<function name pattern>]`, `#` starting a comment, blank lines ignored. The file holds only
 * hashes, so a leaked copy does not leak the tokens. A presented token is found by its SHA-256,
 * compared in constant time with every entry.
 *
 * @example
 * ```ts
 * import { TokenTable } from "./token_table.ts";
 *
 * const table = TokenTable.parse(
 *   "# team A's CI\nsha256:" + "ab".repeat(32) + " deploy teamA-*\n",
 *   "tokens.txt",
 * );
 * console.log(table.size, table.find("not-a-token")); // 1 undefined
 * ```
 *
 * @module
 */
import { FUNCTION_PATTERN, isRole, PATTERN_ROLES, type Role, ROLES } from "../../protocol/auth.ts";
import { ConfigError } from "../config/mod.ts";
import { sameDigest, sha256 } from "./digest.ts";
import { patternMatcher } from "./pattern.ts";

/** One token of the file. */
export interface TokenEntry {
  /** What the token may do. */
  readonly role: Role;
  /** The function names it is limited to (`deploy` and `invoke` only); absent: every name. */
  readonly pattern?: string;
  /** Whether `name` is inside {@linkcode TokenEntry.pattern} (always true without one). */
  allows(name: string): boolean;
  /** Line of the file it was read from (1-based). */
  readonly line: number;
}

interface StoredEntry extends TokenEntry {
  readonly digest: Uint8Array;
}

const HASH_FIELD = /^sha256:([0-9a-fA-F]{64})$/;
const ROLE_LIST = `${ROLES.slice(0, -1).join(", ")} or ${ROLES[ROLES.length - 1]}`;

/** The tokens of one tokens file. */
export class TokenTable {
  readonly #entries: readonly StoredEntry[];

  private constructor(entries: readonly StoredEntry[]) {
    this.#entries = entries;
  }

  /**
   * Reads the text of a tokens file.
   *
   * @param path the file's path, named in messages
   * @throws {ConfigError} naming the line and what is wrong with it
   */
  static parse(text: string, path: string): TokenTable {
    const entries: StoredEntry[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const fields = lines[i].replace(/#.*$/, "").trim().split(/\s+/).filter(Boolean);
      if (fields.length === 0) continue;
      const entry = parseLine(
        fields,
        i + 1,
        (problem) =>
          new ConfigError(`Tokens file "${path}" line ${i + 1}: ${problem}`, "auth.tokens.file"),
      );
      const same = entries.find((e) => sameDigest(e.digest, entry.digest));
      if (same) {
        throw new ConfigError(
          `Tokens file "${path}" line ${i + 1}: the same token is on line ${same.line}: ` +
            "keep one line per token",
          "auth.tokens.file",
        );
      }
      entries.push(entry);
    }
    return new TokenTable(entries);
  }

  /** How many tokens the table holds. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * The entry of `token`, or `undefined` when the table does not hold it. Every entry is
   * compared, each in constant time.
   */
  find(token: string): TokenEntry | undefined {
    const digest = sha256(token);
    let found: StoredEntry | undefined;
    for (const entry of this.#entries) {
      if (sameDigest(entry.digest, digest)) found = entry;
    }
    return found;
  }
}

function parseLine(
  fields: string[],
  line: number,
  problem: (text: string) => ConfigError,
): StoredEntry {
  if (fields.length > 3) {
    throw problem(
      `${fields.length} fields where at most 3 are expected: ` +
        "sha256:<hex of the token's SHA-256> <role> [<function name pattern>]",
    );
  }
  // The first field is never quoted back: it may be a token pasted by mistake.
  const hash = HASH_FIELD.exec(fields[0])?.[1];
  if (!hash) {
    throw problem(
      'the line must start with "sha256:" and the 64 hex digits of the token\'s SHA-256 ' +
        "(serverledge-cli token prints such lines)",
    );
  }
  const role = fields[1];
  if (role === undefined) throw problem(`a role is missing after the hash: use ${ROLE_LIST}`);
  if (!isRole(role)) throw problem(`"${role}" is not a role: use ${ROLE_LIST}`);
  const pattern = fields[2];
  if (pattern !== undefined && !PATTERN_ROLES.includes(role)) {
    throw problem(
      `the role "${role}" takes no function name pattern (only ${PATTERN_ROLES.join(" and ")} do)`,
    );
  }
  if (pattern !== undefined && !FUNCTION_PATTERN.test(pattern)) {
    throw problem(
      `the function name pattern "${pattern.slice(0, 80)}" is invalid: ` +
        'use at most 64 letters, digits, "_", "-" and "*"',
    );
  }
  const matches = pattern === undefined ? () => true : patternMatcher(pattern);
  return {
    role,
    pattern,
    allows: matches,
    line,
    digest: Uint8Array.from(hash.match(/../g)!, (byte) => parseInt(byte, 16)),
  };
}
