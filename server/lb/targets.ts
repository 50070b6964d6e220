/**
 * The balancer's targets: the nodes it sends requests to, where it learnt of them, whether they
 * are up, and what it measured of them (their last load report, the smoothed round trip of their
 * load polls, the requests in flight and the smoothed latency of their answers per function).
 *
 * @module
 */
import type { BalancerTarget } from "../../protocol/lb.ts";
import type { PeerLoad } from "../cluster/load_poll.ts";
import { HttpClient } from "../http/client.ts";

/**
 * The largest answer read whole from a node, bytes: a node writes each answer whole, so this
 * bounds what one answer may hold in the balancer as in the node.
 */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;
/** Weight of a new latency sample in the smoothed latency. */
const SMOOTHING = 0.2;

/** What the balancer knows of one node. */
export class Target {
  /** Base URL of the node's API. */
  readonly url: string;
  /** Where the balancer learnt of it. */
  readonly source: "etcd" | "static";
  /** Its keep-alive client, for an `http:` URL (an `https:` one is reached with `fetch`). */
  readonly client?: HttpClient;
  /** The node's id (its URL until a registration or load report names it). */
  id: string;
  /** Why it went out. */
  lastError?: string;
  /** Its last load report, and the requests in flight per function when it came. */
  load?: { report: PeerLoad; inFlight: ReadonlyMap<string, number> };
  /** Requests sent and failed since start. */
  requests = 0;
  failures = 0;
  /** Whether it is out after a failure, until a load poll answers. */
  #down = false;
  /** Epoch ms from which a target that is out is polled again. */
  #retryAt = 0;
  readonly #inFlight = new Map<string, number>();
  #inFlightTotal = 0;
  readonly #latencyMs = new Map<string, number>();
  #invokeLatencyMs?: number;
  #pollRttMs?: number;

  /** @param url base URL @param source where it was learnt of @param id its id, if known */
  constructor(url: string, source: "etcd" | "static", id = url) {
    this.url = url;
    this.source = source;
    this.id = id;
    const { protocol, hostname, port } = new URL(url);
    if (protocol === "http:") {
      const address = { transport: "tcp" as const, hostname, port: Number(port || 80) };
      this.client = new HttpClient(address, { maxBodyBytes: MAX_ANSWER_BYTES });
    }
  }

  /** Closes its connections (once it is no target any more). */
  close(): void {
    this.client?.close();
  }

  /** Whether it may be chosen. */
  get up(): boolean {
    return !this.#down;
  }

  /** Whether its load is to be polled at `now`: it is up, or out and its retry time came. */
  due(now: number): boolean {
    return !this.#down || this.#retryAt <= now;
  }

  /** Takes it out because of `error`; it is polled again from `retryAt` (epoch ms). */
  fail(error: string, retryAt: number): void {
    this.#down = true;
    this.#retryAt = retryAt;
    this.lastError = error;
  }

  /** Puts it back in. */
  recover(): void {
    this.#down = false;
    this.lastError = undefined;
  }

  /** Records a load report, whose poll took `rttMs` from request to parsed answer. */
  loaded(report: PeerLoad, rttMs: number): void {
    this.load = { report, inFlight: new Map(this.#inFlight) };
    this.#pollRttMs = smooth(this.#pollRttMs, rttMs);
    if (report.Id) this.id = report.Id;
  }

  /**
   * Smoothed round trip of its load polls, ms, once one answered: the network part of its
   * answers (a `/load` takes the node next to no work).
   */
  get pollRttMs(): number | undefined {
    return this.#pollRttMs;
  }

  /** Requests of `fn` in flight to it (all of them when `fn` is absent). */
  inFlight(fn?: string): number {
    return fn === undefined ? this.#inFlightTotal : this.#inFlight.get(fn) ?? 0;
  }

  /** Counts a request of `fn` (`""` for one that is no invocation) as sent. */
  begin(fn: string): void {
    this.requests++;
    this.#inFlightTotal++;
    this.#inFlight.set(fn, this.inFlight(fn) + 1);
  }

  /** Counts a request of `fn` as answered after `latencyMs`, or failed (`latencyMs` absent). */
  end(fn: string, latencyMs?: number): void {
    this.#inFlightTotal--;
    const left = this.inFlight(fn) - 1;
    if (left > 0) this.#inFlight.set(fn, left);
    else this.#inFlight.delete(fn);
    if (latencyMs === undefined) {
      this.failures++;
    } else if (fn !== "") {
      this.#latencyMs.set(fn, smooth(this.#latencyMs.get(fn), latencyMs));
      this.#invokeLatencyMs = smooth(this.#invokeLatencyMs, latencyMs);
    }
  }

  /** Smoothed latency of its answers to invocations of `fn`, if it had some. */
  latencyMs(fn: string): number | undefined {
    return this.#latencyMs.get(fn);
  }

  /** Smoothed latency of its answers to invocations of any function, if it had some. */
  get invokeLatencyMs(): number | undefined {
    return this.#invokeLatencyMs;
  }

  /** Its entry in the balancer's `/status`. */
  status(): BalancerTarget {
    const report = this.load?.report;
    return {
      Url: this.url,
      Id: this.id,
      Source: this.source,
      Up: this.up,
      ...(this.lastError === undefined ? {} : { LastError: this.lastError }),
      InFlight: this.#inFlightTotal,
      Requests: this.requests,
      Failures: this.failures,
      ...(this.#invokeLatencyMs === undefined ? {} : { InvokeLatencyMs: this.#invokeLatencyMs }),
      ...(this.#pollRttMs === undefined ? {} : { PollRttMs: this.#pollRttMs }),
      ...(report
        ? {
          AvailableMemMB: report.AvailableMemMB,
          AvailableWarmContainers: report.AvailableWarmContainers,
        }
        : {}),
    };
  }
}

function smooth(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + SMOOTHING * (sample - previous);
}

/** The targets by URL: those registered in etcd and those of `lb.targets`. */
export class TargetSet {
  readonly #targets = new Map<string, Target>();

  /** Every target, sorted by URL. */
  all(): Target[] {
    return [...this.#targets.values()].sort((a, b) => a.url.localeCompare(b.url));
  }

  /** The targets up, sorted by URL. */
  usable(): Target[] {
    return this.all().filter((t) => t.up);
  }

  /** The target of `url`, if any. */
  get(url: string): Target | undefined {
    return this.#targets.get(url);
  }

  /**
   * Adds the node at `url` (a registered one under its `id`); returns the new target, or
   * `undefined` when the URL is known already (then only its id is updated).
   */
  add(url: string, source: "etcd" | "static", id?: string): Target | undefined {
    const known = this.#targets.get(url);
    if (known) {
      if (id) known.id = id;
      return undefined;
    }
    const target = new Target(url, source, id);
    this.#targets.set(url, target);
    return target;
  }

  /** Removes the registered node `id` (static targets stay). */
  removeRegistered(id: string): void {
    for (const target of this.#targets.values()) {
      if (target.source === "etcd" && target.id === id) this.#drop(target);
    }
  }

  /** Keeps of the registered targets only those whose URL is in `urls`. */
  keepRegistered(urls: ReadonlySet<string>): void {
    for (const target of this.#targets.values()) {
      if (target.source === "etcd" && !urls.has(target.url)) this.#drop(target);
    }
  }

  /** Closes every target's connections. */
  close(): void {
    for (const target of this.#targets.values()) target.close();
  }

  #drop(target: Target): void {
    this.#targets.delete(target.url);
    target.close();
  }
}
