/**
 * The node's access rules from its config, with the secure default: without tokens a node
 * serves only on a loopback address. A non-loopback `api.ip` without a tokens file stops the
 * start with a message that says how to make a token, unless `auth.disabled` says otherwise
 * (which is logged as a warning).
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import { ConfigError } from "../config/error.ts";
import { Gatekeeper } from "./gatekeeper.ts";
import { isLoopbackAddress } from "./loopback.ts";
import { TokensFile } from "./tokens_file.ts";

/** The access rules of a started node. */
export interface Access {
  /** Checks requests. */
  gatekeeper: Gatekeeper;
  /** Stops watching the tokens file. */
  close(): void;
}

/**
 * Reads the tokens file (if any) and builds the node's {@linkcode Gatekeeper}; logs warnings
 * about what is not protected.
 *
 * @throws {ConfigError} when `api.ip` is not a loopback address and no tokens are configured,
 *   or the tokens file cannot be read or has a broken line
 */
export async function openAccess(config: Config, log: (line: string) => void): Promise<Access> {
  const { api, auth, clusterSecret } = config;
  if (auth.disabled) {
    log(
      `Warning: auth.disabled is true: every request is served without a token` +
        `${auth.tokensFile ? " (auth.tokens.file is ignored)" : ""}, so whoever reaches ` +
        `${api.ip}:${api.port} may create, run and delete functions`,
    );
  } else if (!auth.tokensFile && !isLoopbackAddress(api.ip)) {
    throw new ConfigError(
      `api.ip "${api.ip}" is not a loopback address and no tokens are configured: create a ` +
        'token with "serverledge-cli token -role admin", put the line it prints in a file and ' +
        "set auth.tokens.file to that file (or set auth.disabled: true to serve without tokens)",
      "auth.tokens.file",
    );
  }
  const tokens = auth.disabled || !auth.tokensFile
    ? undefined
    : await TokensFile.open(auth.tokensFile, { log });
  if (tokens?.size === 0) {
    log(`Warning: the tokens file "${tokens.path}" holds no token: every API request is refused`);
  }
  if (tokens && !clusterSecret && (config.etcd.address || config.cloudServerUrl)) {
    log(
      "Warning: offloading to and from this node needs cluster.secret: without it, other " +
        "nodes' load polls and offloaded requests are refused (set the same cluster.secret on " +
        "every node)",
    );
  }
  return {
    gatekeeper: new Gatekeeper({ tokens, clusterSecret }),
    close: () => tokens?.close(),
  };
}
