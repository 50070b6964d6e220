/**
 * Whether an address a node binds to is reachable from this machine only.
 *
 * @module
 */
import { isIPv4, isIPv6 } from "node:net";

/** A loopback IPv6 address as the URL standard writes it: `::1`, or `127.0.0.0/8` mapped. */
const LOOPBACK_IPV6 = /^\[(::1|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4})\]$/;

/**
 * Whether `host` is a loopback address: `localhost`, `127.0.0.0/8`, `::1` (in any spelling) or
 * an IPv4-mapped `127.x` address. `0.0.0.0`, `::`, host names and every other address are not.
 *
 * @example
 * ```ts
 * import { isLoopbackAddress } from "./loopback.ts";
 *
 * console.log(isLoopbackAddress("127.0.0.1"), isLoopbackAddress("0.0.0.0")); // true false
 * ```
 */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (isIPv4(bare)) return bare.startsWith("127.");
  return isIPv6(bare) && LOOPBACK_IPV6.test(new URL(`http://[${bare}]/`).hostname);
}
