/**
 * Which node issued an async request id, so that `GET /poll/<ReqId>` goes to the node that
 * runs it. Entries live as long as the nodes keep reports (`async.ttl`); the oldest go first
 * when there are more than the bound.
 *
 * @module
 */

/** Ids remembered at most. */
export const MAX_ASYNC_ROUTES = 100_000;

/** Async request id → base URL of the node that answered it. */
export class AsyncRoutes {
  readonly #routes = new Map<string, { url: string; until: number }>();
  readonly #ttlMs: number;
  readonly #max: number;

  /** @param ttlSeconds how long an id is remembered @param max ids remembered at most */
  constructor(ttlSeconds: number, max = MAX_ASYNC_ROUTES) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#max = max;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.#routes.size;
  }

  /** Remembers that `url` issued `reqId` at `now` (epoch ms). */
  remember(reqId: string, url: string, now: number): void {
    this.#routes.delete(reqId);
    this.#routes.set(reqId, { url, until: now + this.#ttlMs });
    for (const [id, route] of this.#routes) {
      if (this.#routes.size <= this.#max && route.until > now) break;
      this.#routes.delete(id);
    }
  }

  /** The node that issued `reqId`, if it is remembered and not expired at `now`. */
  nodeOf(reqId: string, now: number): string | undefined {
    const route = this.#routes.get(reqId);
    if (!route) return undefined;
    if (route.until > now) return route.url;
    this.#routes.delete(reqId);
    return undefined;
  }
}
