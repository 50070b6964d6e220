/**
 * Who gets an answer to a status datagram: a node registered in this node's area, and at a
 * bounded rate. A datagram carries no credential and its source address can be forged, so a
 * reply to anyone would leak the node's function names and make it a reflector (a few bytes
 * in, a kilobyte out, to a forged victim); answering only the hosts of registered edge nodes,
 * a few replies a second each, leaves neither.
 *
 * @module
 */
import type { Peer } from "./peer.ts";

/** Options of {@linkcode UdpSourceGate}. */
export interface UdpSourceGateOptions {
  /** The nodes this node knows (the cluster view's, Go nodes' records included). */
  peers: () => Peer[];
  /** This node's area: only edge nodes of this area are answered. */
  area: string;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * Replies one source host may get at once; it gets one more each {@linkcode REFILL_MS}. A Go
 * edge waits for its reply without a deadline, so a poll must not be refused for a few nodes
 * polling from one host at the same moment: a small burst, not one reply per interval.
 */
export const REPLY_BURST = 4;
/** Milliseconds for a source host to earn one more reply (so at most 4 a second, sustained). */
export const REFILL_MS = 250;

/** A source host's replies left, and when it last earned or spent one. */
interface Allowance {
  tokens: number;
  at: number;
}

/**
 * Decides, for each datagram, whether its source gets a reply: its address must be the host of
 * the URL of an edge node of the area (compared as addresses: a record naming a host name
 * matches no datagram), and it must have a reply left (a token bucket per host of
 * {@linkcode REPLY_BURST}, refilled every {@linkcode REFILL_MS}). Only registered hosts are
 * tracked, so forged sources cannot grow its memory.
 *
 * @example
 * ```ts
 * import { UdpSourceGate } from "./udp_gate.ts";
 *
 * const gate = new UdpSourceGate({
 *   area: "ROME",
 *   peers: () => [
 *     { id: "go-1", url: "http://10.0.0.7:1323", area: "ROME", cloud: false, updatedAt: 0, reachable: true },
 *   ],
 * });
 * console.log(gate.admits("10.0.0.7"), gate.admits("10.0.0.8")); // true false
 * ```
 */
export class UdpSourceGate {
  readonly #options: UdpSourceGateOptions;
  readonly #now: () => number;
  readonly #allowances = new Map<string, Allowance>();

  /** @param options the known nodes and this node's area */
  constructor(options: UdpSourceGateOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a datagram from `address` gets a reply now (spending one of its replies). */
  admits(address: string): boolean {
    const host = _address(address);
    const hosts = this.#registeredHosts();
    for (const known of this.#allowances.keys()) {
      if (!hosts.has(known)) this.#allowances.delete(known);
    }
    if (!hosts.has(host)) return false;
    const now = this.#now();
    const allowance = this.#allowances.get(host) ?? { tokens: REPLY_BURST, at: now };
    const earned = Math.floor((now - allowance.at) / REFILL_MS);
    if (earned > 0) {
      allowance.tokens = Math.min(REPLY_BURST, allowance.tokens + earned);
      allowance.at = allowance.tokens === REPLY_BURST ? now : allowance.at + earned * REFILL_MS;
    }
    this.#allowances.set(host, allowance);
    if (allowance.tokens === 0) return false;
    allowance.tokens--;
    return true;
  }

  /** The addresses of the edge nodes of the area, as their URLs name them. */
  #registeredHosts(): Set<string> {
    const hosts = new Set<string>();
    for (const peer of this.#options.peers()) {
      if (peer.cloud || peer.area !== this.#options.area) continue;
      try {
        hosts.add(_address(new URL(peer.url).hostname));
      } catch {
        // a URL that does not parse names no host
      }
    }
    return hosts;
  }
}

/** `address` in one spelling: no IPv6 brackets, an IPv4-mapped IPv6 address as IPv4, lower case. */
function _address(address: string): string {
  const bare = address.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const mapped = bare.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  return mapped ? mapped[1] : bare;
}
