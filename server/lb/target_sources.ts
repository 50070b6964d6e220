/**
 * Keeps the balancer's targets current: the nodes of `lb.targets`, and the cloud nodes of its
 * area registered in etcd (from the registry's watch as they come and go, with a listing now
 * and then as a safety net); and polls each target's load (`GET /load`, a Go node's
 * `GET /status`) every
 * `lb.load.interval`. A target that fails a poll or a request is out; once `lb.retry.interval`
 * has passed it is polled again, and it is back in when a poll answers.
 *
 * @module
 */
import { CLUSTER_SECRET_HEADER } from "../../protocol/auth.ts";
import type { NodeRecord } from "../../protocol/registry.ts";
import { LoadPoller } from "../cluster/load_poll.ts";
import type { MembershipRegistry } from "../registry/membership_registry.ts";
import type { Target, TargetSet } from "./targets.ts";

/** How often the registered nodes are listed again behind the watch, ms. */
const RESYNC_MS = 10_000;
/** How long a load poll may take, ms, at most. */
const POLL_TIMEOUT_MS = 2_000;

/** Options of {@linkcode TargetSources}. */
export interface TargetSourcesOptions {
  /** The set kept current. */
  targets: TargetSet;
  /** The registry's membership part (etcd); absent: only `staticUrls`. */
  registry?: MembershipRegistry;
  /** `registry.area`: its cloud nodes are targets. */
  area: string;
  /** `lb.targets`. */
  staticUrls: readonly string[];
  /** `lb.load.interval` in ms. */
  loadIntervalMs: number;
  /** `lb.retry.interval` in ms. */
  retryIntervalMs: number;
  /** `cluster.secret`, sent with load polls; empty: none. */
  clusterSecret: string;
  /** The clock. @default Date.now */
  now?: () => number;
}

/** The registry watch and the load poller of the balancer. */
export class TargetSources {
  readonly #options: TargetSourcesOptions;
  readonly #now: () => number;
  readonly #loads: LoadPoller;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #stopWatch = () => {};

  /** @param options the set, the sources and the intervals */
  constructor(options: TargetSourcesOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const { clusterSecret, loadIntervalMs } = options;
    this.#loads = new LoadPoller({
      headers: clusterSecret ? { [CLUSTER_SECRET_HEADER]: clusterSecret } : {},
      timeoutMs: Math.min(POLL_TIMEOUT_MS, loadIntervalMs),
    });
  }

  /**
   * Adds the static targets, lists and watches the registered ones, polls every target's load
   * once (resolving when all polls are done) and then every interval.
   *
   * @throws {UnavailableError} when the registry cannot be listed
   */
  async start(): Promise<void> {
    const { targets, registry, staticUrls } = this.#options;
    for (const url of staticUrls) targets.add(url, "static");
    if (registry) {
      this.#stopWatch = registry.watch((event) => {
        if (event.type === "put") this.#addRegistered(event.node);
        else targets.removeRegistered(event.id);
      });
      this.#resync(await registry.list());
      this.#timers.push(setInterval(() => this.#resyncQuietly(), RESYNC_MS));
    }
    await this.#pollAll();
    this.#timers.push(setInterval(() => this.#pollAll(), this.#options.loadIntervalMs));
  }

  /** Stops watching and polling. */
  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#stopWatch();
  }

  #addRegistered(node: NodeRecord): void {
    if (!node.Cloud || node.Area !== this.#options.area) return;
    const added = this.#options.targets.add(node.Url, "etcd", node.Id);
    if (added) this.#poll(added);
  }

  #resync(nodes: readonly NodeRecord[]): void {
    const mine = nodes.filter((n) => n.Cloud && n.Area === this.#options.area);
    this.#options.targets.keepRegistered(new Set(mine.map((n) => n.Url)));
    for (const node of mine) this.#addRegistered(node);
  }

  async #resyncQuietly(): Promise<void> {
    try {
      this.#resync(await this.#options.registry!.list());
    } catch {
      // The registry is out of reach: keep the targets known, try again at the next resync.
    }
  }

  async #pollAll(): Promise<void> {
    const now = this.#now();
    await Promise.all(
      this.#options.targets.all().filter((t) => t.due(now)).map((t) => this.#poll(t)),
    );
  }

  async #poll(target: Target): Promise<void> {
    try {
      const began = performance.now();
      const report = await this.#loads.poll(target.url);
      target.loaded(report, performance.now() - began);
      target.recover();
    } catch (error) {
      target.fail((error as Error).message, this.#now() + this.#options.retryIntervalMs);
    }
  }
}
