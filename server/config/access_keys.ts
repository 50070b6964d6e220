/**
 * The config keys of who may use a node's API and how nodes prove they belong to one
 * deployment: a part of the key table (see `keys.ts`).
 *
 * @module
 */
import { key } from "./spec.ts";
import { bool, text } from "./values.ts";

/** `auth.*` and `cluster.secret`. */
export const ACCESS_KEYS = {
  /** Who may use the API. */
  auth: {
    /** `auth.tokens.file`: path of the tokens file; empty = no tokens. */
    tokensFile: key(
      "auth.tokens.file",
      text("a path (or empty)"),
      "",
      "File of the access tokens, one `sha256:<hex> <role> [<function pattern>]` per line, " +
        "re-read when it changes (see `serverledge-cli token`); empty = no tokens: every " +
        "request is served, and only on a loopback `api.ip`",
    ),
    /** `auth.disabled`: serve without tokens whatever `api.ip` is. */
    disabled: key(
      "auth.disabled",
      bool(),
      false,
      "Serve every request without a token, even on a non-loopback `api.ip` (logged as a " +
        "warning at start): whoever reaches the port may create, run and delete functions",
    ),
  },
  /** `cluster.secret`: the credential nodes of one deployment send each other; empty = none. */
  clusterSecret: key(
    "cluster.secret",
    text("empty, or at least 16 characters without spaces", /^$|^\S{16,}$/),
    "",
    "Credential the nodes of a deployment send each other on load polls and offloaded " +
      "invocations, the same on every node (at least 16 characters); empty = none: then only " +
      "a node without tokens accepts offloaded requests",
  ),
};
