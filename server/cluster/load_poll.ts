/**
 * Asking nodes for their load: what the cluster view polls its neighbours and cloud nodes
 * with, and `serverledge-lb` its targets. Our nodes answer `GET /load`; a Go Serverledge node
 * answers 404 there, and its load is read from its `GET /status` instead.
 *
 * @module
 */
import type { GoNodeStatus, LoadReport } from "../../protocol/status.ts";

/**
 * What a poll learns of a node's load: the figures every node gives, and the identity our
 * nodes give with them (a Go node's `/status` names neither its id, nor its area, nor its kind).
 */
export type PeerLoad =
  & Pick<LoadReport, "AvailableMemMB" | "AvailableCPUs" | "AvailableWarmContainers" | "LoadAvg">
  & Partial<Pick<LoadReport, "Id" | "Url" | "Area" | "Cloud">>;

/** Options of {@linkcode LoadPoller}. */
export interface LoadPollerOptions {
  /** Headers sent with every poll (the cluster credential). @default none */
  headers?: Readonly<Record<string, string>>;
  /** Milliseconds one poll may take, at most. */
  timeoutMs: number;
}

/**
 * Polls nodes' load: `GET /load`, or for a node that answers it 404 (a Go node), `GET /status`
 * read with {@linkcode loadOfGoStatus}. It remembers which nodes answer only `/status`, so
 * that a Go node is asked `/load` once, not at every poll; a node whose `/status` answers
 * without load figures is asked `/load` first again at the next poll (another node may have
 * taken its URL). A poll of a node asked while one is under way shares that one's answer.
 *
 * @example
 * ```ts
 * import { LoadPoller } from "./load_poll.ts";
 *
 * const poller = new LoadPoller({ timeoutMs: 2_000 });
 * const load = await poller.poll("http://127.0.0.1:1323");
 * console.log(load.AvailableMemMB, load.AvailableWarmContainers);
 * ```
 */
export class LoadPoller {
  readonly #headers: Readonly<Record<string, string>>;
  readonly #timeoutMs: number;
  readonly #statusOnly = new Set<string>();
  readonly #underWay = new Map<string, Promise<PeerLoad>>();

  /** @param options headers and timeout of each poll */
  constructor(options: LoadPollerOptions) {
    this.#headers = options.headers ?? {};
    this.#timeoutMs = options.timeoutMs;
  }

  /**
   * The load of the node at `baseUrl`; rejects when it does not answer 2xx within the
   * timeout, or answers `/status` without load figures.
   */
  poll(baseUrl: string): Promise<PeerLoad> {
    let polling = this.#underWay.get(baseUrl);
    if (!polling) {
      polling = this.#poll(baseUrl).finally(() => this.#underWay.delete(baseUrl));
      this.#underWay.set(baseUrl, polling);
    }
    return polling;
  }

  async #poll(baseUrl: string): Promise<PeerLoad> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    if (!this.#statusOnly.has(baseUrl)) {
      const response = await this.#get(baseUrl, "/load", signal);
      if (response.status !== 404) return await _okJson(response, "/load") as LoadReport;
      await response.body?.cancel();
      this.#statusOnly.add(baseUrl);
    }
    const response = await this.#get(baseUrl, "/status", signal);
    try {
      return loadOfGoStatus(await _okJson(response, "/status") as GoNodeStatus);
    } catch (error) {
      if (!signal.aborted) this.#statusOnly.delete(baseUrl); // it answered, but no load
      throw error;
    }
  }

  #get(baseUrl: string, path: string, signal: AbortSignal): Promise<Response> {
    return fetch(`${baseUrl}${path}`, { headers: this.#headers, signal });
  }
}

/**
 * The load a Go node's `/status` tells: its free memory, free CPUs and warm containers as
 * given (Go's `null` map of a node without warm containers as none), its load averages when
 * given and known (serverledge-faas sends `-1` for each when it cannot read them: none then),
 * its `Url` when given; and the id, area and kind only when the answer has them with their
 * types (our nodes' `/status` does, Go's does not).
 *
 * @throws {TypeError} when `AvailableMemMB` or `AvailableCPUs` is not a finite number
 *
 * @example
 * ```ts
 * import { loadOfGoStatus } from "./load_poll.ts";
 *
 * loadOfGoStatus({
 *   Url: "http://10.0.0.5:1323",
 *   AvailableWarmContainers: { hello: 1 },
 *   AvailableMemMB: 3072,
 *   AvailableCPUs: 3.5,
 *   DropCount: 0,
 * });
 * // { AvailableMemMB: 3072, AvailableCPUs: 3.5, AvailableWarmContainers: { hello: 1 },
 * //   LoadAvg: [], Url: "http://10.0.0.5:1323" }
 * ```
 */
export function loadOfGoStatus(status: GoNodeStatus & Partial<LoadReport>): PeerLoad {
  const load: PeerLoad = {
    AvailableMemMB: _figure(status, "AvailableMemMB"),
    AvailableCPUs: _figure(status, "AvailableCPUs"),
    AvailableWarmContainers: _warmCounts(status.AvailableWarmContainers),
    LoadAvg: _loadAverages(status.LoadAvg),
  };
  if (typeof status.Url === "string") load.Url = status.Url;
  if (typeof status.Id === "string") load.Id = status.Id;
  if (typeof status.Area === "string") load.Area = status.Area;
  if (typeof status.Cloud === "boolean") load.Cloud = status.Cloud;
  return load;
}

function _figure(status: GoNodeStatus, name: "AvailableMemMB" | "AvailableCPUs"): number {
  const value = status[name];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`GET /status answered no ${name}`);
  }
  return value;
}

/** The warm container counts of `value`, keeping the entries that are counts. */
function _warmCounts(value: unknown): Record<string, number> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter(([, count]) => Number.isInteger(count) && count >= 0),
  );
}

/** `value` if it is three load averages, none of them unknown (negative); else none. */
function _loadAverages(value: unknown): number[] {
  const known = Array.isArray(value) && value.length === 3 &&
    value.every((n) => typeof n === "number" && Number.isFinite(n) && n >= 0);
  return known ? value : [];
}

async function _okJson(response: Response, path: string): Promise<unknown> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${path} answered ${response.status}`);
  }
  return await response.json();
}
