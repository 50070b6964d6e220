/**
 * The `Host` check against DNS rebinding: a web page whose domain an attacker points at
 * 127.0.0.1 (or at a node's address) may send requests to the node, but they name the
 * attacker's domain in `Host`. A node answers only requests naming one of its own host names
 * or addresses; any other is refused with 421 before it reaches a route.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { MisdirectedRequestError } from "../errors.ts";

/** What a node's own host names come from. */
export interface NodeHostFacts {
  /** `api.ip`: a specific address or name, or `0.0.0.0` / `::` for every address. */
  readonly apiIp: string;
  /** The URL the node registers (other nodes reach it there). */
  readonly url: string;
  /** The machine's host name, when it can be read. */
  readonly hostname?: string;
  /** The machine's interface addresses (read when `api.ip` is a wildcard). */
  readonly interfaceAddresses: readonly string[];
  /** `api.hosts`: more names, or `*` for any. */
  readonly extra: readonly string[];
}

/** The host names a node answers to; `"any"` turns the check off. */
export type AllowedHosts = ReadonlySet<string> | "any";

const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The host names a node answers to: `localhost`, the loopback addresses, `api.ip` when it is a
 * specific address, the machine's host name, the host of the node's URL, the machine's
 * interface addresses when `api.ip` is a wildcard, and `api.hosts`; each as a URL's `hostname`
 * spells it (lower case, IPv6 in brackets).
 *
 * @example
 * ```ts
 * import { nodeHostNames } from "./host_check.ts";
 *
 * const hosts = nodeHostNames({
 *   apiIp: "0.0.0.0", url: "http://127.0.0.1:1323", hostname: "edge1",
 *   interfaceAddresses: ["10.0.0.5", "fe80::1"], extra: ["node1.example"],
 * });
 * console.log(hosts !== "any" && hosts.has("[fe80::1]")); // true
 * ```
 */
export function nodeHostNames(facts: NodeHostFacts): AllowedHosts {
  if (facts.extra.includes("*")) return "any";
  const names = ["localhost", "127.0.0.1", "::1", new URL(facts.url).hostname, ...facts.extra];
  if (facts.hostname) names.push(facts.hostname);
  if (WILDCARD_ADDRESSES.has(facts.apiIp)) names.push(...facts.interfaceAddresses);
  else names.push(facts.apiIp);
  return new Set(names.flatMap((name) => urlHostname(name) ?? []));
}

/**
 * Middleware refusing requests whose `Host` is not in `allowed`, with 421. It passes a request
 * on without a turn of its own (no `await`): the check needs nothing that takes time.
 */
export function hostCheck(allowed: AllowedHosts): MiddlewareHandler {
  return (c, next) => {
    if (allowed === "any" || namesAllowedHost(allowed, c.req.header("host"))) return next();
    const host = new URL(c.req.url).hostname;
    if (!allowed.has(host)) {
      throw new MisdirectedRequestError(
        `Host "${host}" is not a name of this node: use one of its addresses, or add the ` +
          "name to api.hosts",
      );
    }
    return next();
  };
}

/**
 * Whether a `Host` header names an allowed host as it stands (lower case, without port): the
 * common case, decided without parsing a URL. False means "not sure": the URL decides.
 */
export function namesAllowedHost(allowed: AllowedHosts, header: string | undefined): boolean {
  return allowed === "any" || (header !== undefined && allowed.has(hostPart(header)));
}

/** `name` (a host name or address, IPv6 with or without brackets) as a URL spells it. */
function urlHostname(name: string): string | undefined {
  const bracketed = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return undefined;
  }
}

/** The host of a `Host` header, lower case, without port: the common case, no URL parsed. */
function hostPart(header: string): string {
  const end = header.startsWith("[") ? header.indexOf("]") + 1 : header.indexOf(":");
  return (end > 0 ? header.slice(0, end) : header).toLowerCase();
}
