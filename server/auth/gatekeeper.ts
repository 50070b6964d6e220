/**
 * Who may do what: a request's credentials (its bearer token, the cluster credential of a
 * node) checked against what its route needs. Without tokens every client is served (the node
 * then listens on loopback only); with tokens a request needs a token of the right role, and of
 * a pattern that covers the function it is about. The cluster credential stands in for a token
 * on the routes nodes use, and is the only way to send `Serverledge-Offloaded-From` once the
 * node has tokens or a cluster credential: a client cannot pose as a node.
 *
 * @example
 * ```ts
 * import { Gatekeeper } from "./gatekeeper.ts";
 * import { TokenTable } from "./token_table.ts";
 *
 * const gate = new Gatekeeper({ tokens: TokenTable.parse("", "none"), clusterSecret: "" });
 * await gate.authorize({}, { role: "read", action: "read the node's status" })
 *   .catch((error) => console.log(error.status, error.message)); // 401 This node requires a token…
 * ```
 *
 * @module
 */
import { CLUSTER_SECRET_HEADER, type Role } from "../../protocol/auth.ts";
import { OFFLOADED_FROM_HEADER } from "../../protocol/invocation.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { sameDigest, sha256 } from "./digest.ts";
import type { TokenEntry } from "./token_table.ts";

/** What a route needs, as the API's access table declares it. */
export interface Need {
  /** The role that allows it; `admin` tokens are allowed everything. */
  readonly role: Role;
  /** What the route does, for messages, e.g. `create functions`, `read the node's status`. */
  readonly action: string;
  /** Whether the cluster credential stands in for a token (load polls, offloaded requests). */
  readonly nodes?: boolean;
}

/** The credentials a request carries: the values of its headers, absent when not sent. */
export interface Credentials {
  /** `Authorization`. */
  readonly authorization?: string;
  /** `Serverledge-Cluster-Secret`. */
  readonly clusterSecret?: string;
  /** `Serverledge-Offloaded-From`. */
  readonly offloadedFrom?: string;
}

/** Where tokens are looked up (a `TokenTable`, or a `TokensFile` that keeps one current). */
export interface TokenLookup {
  /** The entry of `token`, or `undefined` when it is unknown. */
  find(token: string): TokenEntry | undefined;
}

/** Options of {@linkcode Gatekeeper}. */
export interface GatekeeperOptions {
  /** The tokens; `undefined`: no tokens, every client is served. */
  tokens?: TokenLookup;
  /** `cluster.secret`; empty: none. */
  clusterSecret: string;
}

const CREATE_ONE = "create one with serverledge-cli token";

/** Checks requests against what their route needs. */
export class Gatekeeper {
  readonly #tokens?: TokenLookup;
  readonly #clusterSecret?: Uint8Array;

  /** @param options the tokens and the cluster credential */
  constructor(options: GatekeeperOptions) {
    this.#tokens = options.tokens;
    this.#clusterSecret = options.clusterSecret ? sha256(options.clusterSecret) : undefined;
  }

  /**
   * Whether every request is let through unchecked: the node has no tokens and no cluster
   * credential, so {@linkcode authorize} would refuse nothing.
   */
  get open(): boolean {
    return !this.#tokens && !this.#clusterSecret;
  }

  /**
   * Lets a request through, or throws: {@linkcode UnauthorizedError} (401) when a token is
   * needed and none or an unknown one was sent; {@linkcode ForbiddenError} (403) when the token's
   * role or pattern does not allow the request, the cluster credential is wrong, or a client
   * sent `Serverledge-Offloaded-From` without it.
   *
   * @param functionName the function the request is about (or the names it is about, which
   *   the pattern must all allow: a workflow and its tasks' functions); asked for only when the
   *   token is limited to a pattern (it may read the body), and may throw a 400 of its own
   */
  async authorize(
    credentials: Credentials,
    need: Need,
    functionName?: () => Promise<string | readonly string[]>,
  ): Promise<void> {
    const fromNode = this.#fromNode(credentials);
    if (fromNode && need.nodes) return;
    if (!this.#tokens) return;
    const entry = this.#tokens.find(bearerToken(credentials.authorization));
    if (!entry) {
      throw new UnauthorizedError(
        "The token is not valid on this node: send Authorization: Bearer <token> with a token " +
          `of its tokens file; ${CREATE_ONE}`,
      );
    }
    if (entry.role === "admin") return;
    if (entry.role !== need.role) {
      throw new ForbiddenError(`The token's role "${entry.role}" may not ${need.action}`);
    }
    if (entry.pattern === undefined) return;
    if (!functionName) {
      throw new ForbiddenError(
        `The token is limited to functions matching "${entry.pattern}" and may not ${need.action}`,
      );
    }
    const names = await functionName();
    if (![names].flat().every((name) => entry.allows(name))) {
      throw new ForbiddenError(`The token may only ${need.action} matching "${entry.pattern}"`);
    }
  }

  /**
   * Lets a request through when it carries a known token (of any role) or no tokens are
   * configured; else throws {@linkcode UnauthorizedError} (401). For a front that passes
   * requests on to nodes which check the role themselves (`serverledge-lb`).
   */
  authenticate(credentials: Credentials): void {
    if (this.#tokens && !this.#tokens.find(bearerToken(credentials.authorization))) {
      throw new UnauthorizedError(
        "The token is not valid here: send Authorization: Bearer <token> with a token of the " +
          `tokens file; ${CREATE_ONE}`,
      );
    }
  }

  /** Whether the request comes from a node of the deployment (it sent the cluster credential). */
  #fromNode(credentials: Credentials): boolean {
    const secret = this.#clusterSecret;
    let fromNode = false;
    if (secret && credentials.clusterSecret !== undefined) {
      if (!sameDigest(sha256(credentials.clusterSecret), secret)) {
        throw new ForbiddenError(
          `The ${CLUSTER_SECRET_HEADER} header does not match this node's cluster.secret: ` +
            "give every node of the deployment the same cluster.secret",
        );
      }
      fromNode = true;
    }
    if (credentials.offloadedFrom !== undefined && !fromNode && (secret || this.#tokens)) {
      throw new ForbiddenError(
        secret
          ? `Only nodes of this deployment may send ${OFFLOADED_FROM_HEADER}, with their ` +
            `${CLUSTER_SECRET_HEADER} (cluster.secret)`
          : `This node takes ${OFFLOADED_FROM_HEADER} only from nodes that send the cluster ` +
            "credential, and has none: set the same cluster.secret on every node",
      );
    }
    return fromNode;
  }
}

/** The token of an `Authorization: Bearer <token>` header. */
function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === "") {
    throw new UnauthorizedError(
      `This node requires a token: send Authorization: Bearer <token>; ${CREATE_ONE}`,
    );
  }
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
  if (!token) {
    throw new UnauthorizedError(
      `The Authorization header must read "Bearer <token>"; ${CREATE_ONE}`,
    );
  }
  return token;
}
