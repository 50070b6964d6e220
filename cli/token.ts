/**
 * `serverledge-cli token`: makes a new random token and the line that grants it a role in a
 * node's tokens file (`auth.tokens.file`). Nothing is sent anywhere: the token goes to its user,
 * the line (which holds only the token's SHA-256) to the node.
 *
 * @module
 */
import {
  FUNCTION_PATTERN,
  isRole,
  newToken,
  PATTERN_ROLES,
  ROLES,
  tokenHash,
  tokenLine,
} from "../protocol/auth.ts";
import type { Command } from "./command.ts";
import { UsageError } from "./errors.ts";

/** What `token` prints. */
export interface TokenAnswer {
  /** The token, for its user to send as `Authorization: Bearer <token>`. */
  Token: string;
  /** The line for the node's tokens file. */
  Line: string;
}

/** The `token` command. */
export const tokenCommand: Command = {
  name: "token",
  summary: "Makes a new token and its line for a node's tokens file",
  usage: "-role <role> [-functions <pattern>]",
  flags: [
    {
      name: "role",
      kind: "string",
      value: "role",
      help: `what the token may do: ${ROLES.join(", ")}`,
      complete: ROLES,
      required: true,
    },
    {
      name: "functions",
      kind: "string",
      value: "pattern",
      help: "limit a deploy or invoke token to the functions matching this pattern (teamA-*)",
    },
  ],
  async run({ flags, output }) {
    const role = flags.string("role") ?? "";
    if (!isRole(role)) {
      throw new UsageError(`Option "-role" must be one of ${ROLES.join(", ")}, got "${role}"`);
    }
    const pattern = flags.string("functions");
    if (pattern !== undefined && !PATTERN_ROLES.includes(role)) {
      throw new UsageError(
        `Option "-functions" applies to the roles ${PATTERN_ROLES.join(" and ")} only, ` +
          `not to "${role}"`,
      );
    }
    if (pattern !== undefined && !FUNCTION_PATTERN.test(pattern)) {
      throw new UsageError(
        `Option "-functions" must be at most 64 letters, digits, "_", "-" and "*", ` +
          `got "${pattern}"`,
      );
    }
    const token = newToken();
    output.answer({ Token: token, Line: tokenLine(await tokenHash(token), role, pattern) });
    output.hint(
      "Add Line to the node's tokens file (auth.tokens.file) and give Token to its user: " +
        "the node keeps only its hash",
    );
  },
};
