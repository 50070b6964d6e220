/**
 * Access tokens and the cluster credential, as clients, nodes and the tokens file share them:
 * the roles a token may have, the function name patterns that narrow the `deploy` and `invoke`
 * roles, the line of a tokens file (`sha256:<hex of the token's SHA-256> <role> [<pattern>]`)
 * and the header that carries the cluster credential between nodes. A request carries its
 * token as `Authorization: Bearer <token>`.
 *
 * @example Make a token and its line for the tokens file
 * ```ts
 * import { newToken, tokenHash, tokenLine } from "./auth.ts";
 *
 * const token = newToken();
 * console.log(tokenLine(await tokenHash(token), "invoke", "teamA-*"));
 * // sha256:5f1c… invoke teamA-*
 * ```
 *
 * @module
 */
import { encodeBase64 } from "./base64.ts";

/**
 * The roles, each with what it allows: `admin` everything; `deploy` create, update, delete
 * and prewarm functions; `invoke` invoke functions and poll their async requests; `read` the
 * node's status, function list, metrics, events, runtimes and load.
 */
export const ROLES = ["admin", "deploy", "invoke", "read"] as const;

/** One of {@linkcode ROLES}. */
export type Role = typeof ROLES[number];

/** The roles a function name pattern may narrow. */
export const PATTERN_ROLES: readonly Role[] = ["deploy", "invoke"];

/**
 * A function name pattern: the characters of a function name (letters, digits, `_`, `-`) and
 * `*` for any run of them, at most 64 characters (`teamA-*`, `*-report`, `*`).
 */
export const FUNCTION_PATTERN = /^[A-Za-z0-9_*-]{1,64}$/;

/** The header a node sends its cluster credential (`cluster.secret`) in. */
export const CLUSTER_SECRET_HEADER = "Serverledge-Cluster-Secret";

/** Whether `text` names a role. */
export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** A new random token: 32 random bytes in URL-safe base64 without padding (43 characters). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return encodeBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The lower-case hex of the SHA-256 of `token` (its UTF-8 bytes), as the tokens file holds it. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The tokens file line of a token whose SHA-256 is `hash` (hex), with its role and pattern. */
export function tokenLine(hash: string, role: Role, pattern?: string): string {
  return `sha256:${hash} ${role}${pattern ? ` ${pattern}` : ""}`;
}
