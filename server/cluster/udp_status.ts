/**
 * Answering Go Serverledge edges that poll this node as a neighbour: a Go edge sends any
 * datagram to a neighbour's host on `registry.udp.port` and reads its status from the one
 * datagram that comes back (timing the round trip as its latency). This node answers from
 * `api.ip` on that port, only the registered edge nodes of its area and at a bounded rate
 * ({@linkcode UdpSourceGate}).
 *
 * It answers only as an edge node with etcd (Go edges look up `registry/<area>/`; Go's cloud
 * nodes poll no one), and, when its API needs credentials (tokens or `cluster.secret`), only
 * when `registry.udp.port` is set explicitly: a datagram carries no credential, so the
 * operator opts in to giving registered hosts the figures `/load` gives nodes with the cluster
 * credential. `registry.udp.port: 0` turns it off.
 *
 * @module
 */
import type { Config } from "../config/mod.ts";
import { UnavailableError } from "../errors.ts";
import { type GoStatusFigures, goStatusReply } from "./go_status_reply.ts";
import type { UdpSourceGate } from "./udp_gate.ts";

/** Where a node answers status datagrams, and whether the operator asked for it. */
export interface UdpStatusPlan {
  /** `api.ip`. */
  hostname: string;
  /** `registry.udp.port`. */
  port: number;
  /** Whether `registry.udp.port` was set in the config (a failure to listen is then fatal). */
  explicit: boolean;
}

const UDP_PORT_KEY = "registry.udp.port";

/**
 * Where the node of `config` answers Go's status datagrams, or why it does not (one line to
 * log when the config asked for it; `undefined` when there is nothing to say).
 *
 * @param credentialed whether the node's API needs credentials (tokens or `cluster.secret`)
 *
 * @example
 * ```ts
 * import { parseConfig } from "../config/mod.ts";
 * import { udpStatusPlan } from "./udp_status.ts";
 *
 * const config = parseConfig("etcd.address: 127.0.0.1:2379\n", "yaml", "example");
 * console.log(udpStatusPlan(config, false)); // { hostname: "127.0.0.1", port: 9876, explicit: false }
 * ```
 */
export function udpStatusPlan(
  config: Config,
  credentialed: boolean,
): UdpStatusPlan | { skipped?: string } {
  const explicit = UDP_PORT_KEY in config.setBy;
  const port = config.registry.udpPort;
  const edgeWithEtcd = !config.cloud && config.etcd.address !== "";
  if (port === 0) return {};
  if (edgeWithEtcd && (explicit || !credentialed)) {
    return { hostname: config.api.ip, port, explicit };
  }
  if (!explicit) return {};
  const why = config.cloud
    ? "this is a cloud node, which Go edges do not poll"
    : "without etcd this node has no neighbours";
  return { skipped: `Note: ${UDP_PORT_KEY} is unused: ${why}` };
}

/**
 * Opens the socket of `plan`.
 *
 * @returns the socket, or `undefined` (after logging one warning) when the address is in use
 *   and `registry.udp.port` was not set explicitly
 * @throws {UnavailableError} when the address is in use and it was
 */
export function listenForStatusPolls(
  plan: UdpStatusPlan,
  log: (line: string) => void,
): Deno.DatagramConn | undefined {
  try {
    return Deno.listenDatagram({ transport: "udp", hostname: plan.hostname, port: plan.port });
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    const where = `${plan.hostname}:${plan.port} (${UDP_PORT_KEY})`;
    if (plan.explicit) {
      throw new UnavailableError(
        `${where} is in use: stop what listens there, or set ${UDP_PORT_KEY}`,
        { cause: error },
      );
    }
    log(`Warning: Go edge nodes cannot poll this node: ${where} is in use`);
    return undefined;
  }
}

/** Options of {@linkcode UdpStatusResponder}. */
export interface UdpStatusResponderOptions {
  /** The node's current figures, as its `/load` gives them. */
  figures: () => GoStatusFigures;
  /** Which sources get a reply. */
  gate: UdpSourceGate;
}

/**
 * Answers each datagram on `socket` whose source the gate admits with the node's status
 * datagram ({@linkcode goStatusReply}); drops the others without a word.
 */
export class UdpStatusResponder {
  readonly #socket: Deno.DatagramConn;
  readonly #serving: Promise<void>;
  #closed = false;

  /**
   * Starts answering on `socket` (which it then owns).
   *
   * @param socket from {@linkcode listenForStatusPolls}
   * @param options the figures and the gate
   */
  constructor(socket: Deno.DatagramConn, options: UdpStatusResponderOptions) {
    this.#socket = socket;
    this.#serving = this.#serve(options);
  }

  /** The address it listens on. */
  get addr(): Deno.NetAddr {
    return this.#socket.addr as Deno.NetAddr;
  }

  /** Closes the socket; resolves once it stopped answering. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.close();
    }
    await this.#serving;
  }

  async #serve({ figures, gate }: UdpStatusResponderOptions): Promise<void> {
    const buffer = new Uint8Array(64); // the content is not read: any datagram asks
    while (!this.#closed) {
      let source: Deno.NetAddr;
      try {
        source = (await this.#socket.receive(buffer))[1] as Deno.NetAddr;
      } catch {
        continue; // closed (the loop ends), or a datagram that could not be read
      }
      if (!gate.admits(source.hostname)) continue;
      const reply = goStatusReply(figures());
      if (reply) await this.#socket.send(reply, source).catch(() => {});
    }
  }
}
