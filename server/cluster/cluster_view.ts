/**
 * The node's view of its deployment: it registers itself in the registry under a lease, learns
 * the other nodes from the registry (watched, so a node that dies drops out within the lease
 * TTL), and polls the nearby ones' load over HTTP (`GET /load`, a Go node's `GET /status`) to
 * know their free memory, warm containers and latency without asking anyone on the invoke path.
 *
 * @module
 */
import type { NodeRecord } from "../../protocol/registry.ts";
import type { Registry } from "../registry/registry.ts";
import type { Peer } from "./peer.ts";
import { LoadPoller } from "./load_poll.ts";
import { backoffDelay } from "../timing/backoff.ts";

/** Options of {@linkcode ClusterView}. */
export interface ClusterViewOptions {
  /** Where nodes register. */
  registry: Registry;
  /** This node's record. */
  self: NodeRecord;
  /** `registry.ttl`: seconds of the registration lease. */
  ttlSeconds: number;
  /** `registry.nearby.interval`: seconds between polls of edge neighbours. */
  nearbyIntervalSeconds: number;
  /** `registry.monitoring.interval`: seconds between polls of cloud nodes. */
  monitoringIntervalSeconds: number;
  /** `cloud.server.url`: a cloud node known without the registry (empty: none). */
  staticCloudUrl: string;
  /** Headers sent with every load poll (the cluster credential). @default none */
  peerHeaders?: Readonly<Record<string, string>>;
  /** Clock in milliseconds, for freshness. @default Date.now */
  now?: () => number;
}

const POLL_TIMEOUT_MS = 2_000;
const LATENCY_WEIGHT = 0.3;
/** A load report older than this many poll intervals is not trusted. */
const STALE_INTERVALS = 3;
/** A new node that does not answer yet is polled again after 0.5 s, 1 s, 2 s… (see `#add`). */
const FIRST_ANSWER_RETRY = { firstMs: 500 };

/** Known nodes and their last known load. */
export class ClusterView {
  readonly #options: ClusterViewOptions;
  readonly #peers = new Map<string, Peer>();
  readonly #now: () => number;
  readonly #loads: LoadPoller;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  readonly #retries = new Set<ReturnType<typeof setTimeout>>();
  #stopWatch: () => void = () => {};
  #unregister: () => Promise<void> = () => Promise.resolve();
  #registryConnected = true;
  #closed = false;

  /** @param options registry, identity and intervals */
  constructor(options: ClusterViewOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#loads = new LoadPoller({ headers: options.peerHeaders, timeoutMs: POLL_TIMEOUT_MS });
  }

  /**
   * Registers this node, loads the membership, watches it, and starts polling. The nodes known
   * at start (a `cloud.server.url` included) are polled once before it returns, so the first
   * request can already offload.
   */
  async start(): Promise<void> {
    const { registry, self, staticCloudUrl } = this.#options;
    this.#stopWatch = registry.nodes.watch((event) => {
      if (event.type === "put") this.#add(event.node);
      else this.#peers.delete(event.id);
    });
    this.#unregister = await registry.nodes.register(self, this.#options.ttlSeconds);
    const firstPolls = (await registry.nodes.list()).map((node) => this.#add(node));
    if (staticCloudUrl && ![...this.#peers.values()].some((p) => p.url === staticCloudUrl)) {
      firstPolls.push(
        this.#add({ Id: staticCloudUrl, Url: staticCloudUrl, Area: "", Cloud: true }),
      );
    }
    await Promise.all(firstPolls);
    this.#every(this.#options.nearbyIntervalSeconds, () => {
      this.#resync();
      this.#pollAll(false);
    });
    this.#every(this.#options.monitoringIntervalSeconds, () => this.#pollAll(true));
  }

  /** Edge nodes of this node's area that answered recently. */
  neighbours(): Peer[] {
    return this.#usable(false).filter((p) => p.area === this.#options.self.Area);
  }

  /** Cloud nodes that answered recently. */
  clouds(): Peer[] {
    return this.#usable(true);
  }

  /** Whether the registry answered the last membership check (etcd connection state). */
  registryConnected(): boolean {
    return this.#registryConnected;
  }

  /** Every known node, usable or not, for `/status`. */
  peers(): Peer[] {
    return [...this.#peers.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Marks a node as unreachable after a failed offload, until its next poll answers. */
  markUnreachable(id: string): void {
    const peer = this.#peers.get(id);
    if (peer) peer.reachable = false;
  }

  /** Stops polling and watching, and removes this node's registration. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const retry of this.#retries) clearTimeout(retry);
    this.#retries.clear();
    this.#stopWatch();
    await this.#unregister().catch((error) =>
      console.error("Could not remove this node's registration:", error)
    );
  }

  /**
   * Lists the members again (a safety net behind the watch): adds nodes the watch missed,
   * drops registered ones that are gone, and records whether the registry answered.
   */
  async #resync(): Promise<void> {
    try {
      const nodes = await this.#options.registry.nodes.list();
      this.#registryConnected = true;
      const ids = new Set(nodes.map((n) => n.Id));
      for (const peer of [...this.#peers.values()]) {
        if (peer.url !== this.#options.staticCloudUrl && !ids.has(peer.id)) {
          this.#peers.delete(peer.id);
        }
      }
      for (const node of nodes) this.#add(node);
    } catch {
      this.#registryConnected = false;
    }
  }

  /**
   * Adds a node not known yet; resolves once its first poll (if any) has settled. A node that
   * does not answer that poll is polled again, sooner than at its interval, until it answers:
   * nodes (Go's too) register before their API listens, so a node that comes up is seen
   * within a second or two, not one `registry.monitoring.interval` later.
   */
  #add(node: NodeRecord): Promise<void> {
    if (node.Id === this.#options.self.Id || node.Url === this.#options.self.Url) {
      return Promise.resolve();
    }
    const known = this.#peers.get(node.Id);
    if (known && known.url === node.Url) return Promise.resolve();
    const peer: Peer = {
      id: node.Id,
      url: node.Url,
      area: node.Area,
      cloud: node.Cloud,
      updatedAt: 0,
      reachable: false,
    };
    this.#peers.set(node.Id, peer);
    if (!this.#relevant(peer)) return Promise.resolve();
    return this.#poll(peer).then(() => this.#retryUntilAnswered(peer, 0));
  }

  /** Polls `peer` again after retry number `retry`'s delay, unless it answered or is gone. */
  #retryUntilAnswered(peer: Peer, retry: number): void {
    const delay = backoffDelay(retry, FIRST_ANSWER_RETRY);
    const gone = this.#closed || this.#peers.get(peer.id) !== peer;
    if (gone || peer.reachable || delay >= this.#intervalMs(peer.cloud)) return;
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      this.#poll(peer).then(() => this.#retryUntilAnswered(peer, retry + 1));
    }, delay);
    Deno.unrefTimer(timer);
    this.#retries.add(timer);
  }

  #relevant(peer: Peer): boolean {
    return peer.cloud || peer.area === this.#options.self.Area;
  }

  /** Milliseconds between two polls of a cloud node, or of an edge node. */
  #intervalMs(cloud: boolean): number {
    const { monitoringIntervalSeconds, nearbyIntervalSeconds } = this.#options;
    return (cloud ? monitoringIntervalSeconds : nearbyIntervalSeconds) * 1000;
  }

  /** The peers of a kind that answered their last poll recently (asked on every request). */
  #usable(cloud: boolean): Peer[] {
    const usable: Peer[] = [];
    if (this.#peers.size === 0) return usable;
    const freshSince = this.#now() - STALE_INTERVALS * this.#intervalMs(cloud);
    for (const p of this.#peers.values()) {
      if (p.cloud === cloud && p.reachable && p.load !== undefined && p.updatedAt >= freshSince) {
        usable.push(p);
      }
    }
    return usable;
  }

  #every(seconds: number, run: () => void): void {
    const timer = setInterval(run, seconds * 1000);
    Deno.unrefTimer(timer);
    this.#timers.push(timer);
  }

  #pollAll(cloud: boolean): void {
    for (const peer of this.#peers.values()) {
      if (peer.cloud === cloud && this.#relevant(peer)) this.#poll(peer);
    }
  }

  async #poll(peer: Peer): Promise<void> {
    const started = performance.now();
    try {
      const load = await this.#loads.poll(peer.url);
      const rtt = performance.now() - started;
      peer.latencyMs = peer.latencyMs === undefined
        ? rtt
        : peer.latencyMs + LATENCY_WEIGHT * (rtt - peer.latencyMs);
      peer.load = load;
      peer.updatedAt = this.#now();
      peer.reachable = true;
      if (peer.id === peer.url && load.Id) this.#rename(peer, load.Id);
    } catch {
      peer.reachable = false;
    }
  }

  /** A static cloud URL learns its node id from its first answer. */
  #rename(peer: Peer, id: string): void {
    if (this.#peers.has(id)) {
      this.#peers.delete(peer.id);
      return;
    }
    this.#peers.delete(peer.id);
    peer.id = id;
    this.#peers.set(id, peer);
  }
}
