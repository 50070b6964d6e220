/**
 * The balancer's HTTP app: its own `GET /status` and `GET /metrics`; every other request sent
 * on to a target: an invocation to the one expected to answer first (see `choice.ts`), a poll
 * to the node that issued the request id, the rest in turn. A target that fails before it
 * answers is taken out at once and the request is sent once more to another, when its body
 * could be held (at most {@linkcode REPLAYABLE_BYTES}); a larger body is streamed and not sent
 * again. The caller's headers go on as they came (its token too: the nodes check it).
 *
 * With tracing on, each request sent on is served in a server span (`lb invoke <fn>`, `lb poll`,
 * `lb <METHOD> <path>`) that continues the caller's `traceparent`, names the target that
 * answered, records a `retry` event when one failed, and hands its own context to the node.
 *
 * @module
 */
import { Hono } from "hono";
import type { BalancerStatus } from "../../protocol/lb.ts";
import { corsCheck } from "../api/cors.ts";
import { answerErrors } from "../api/error_answers.ts";
import { type AllowedHosts, hostCheck } from "../api/host_check.ts";
import { traceRoute } from "../api/traced.ts";
import type { Gatekeeper } from "../auth/gatekeeper.ts";
import { BadGatewayError, UnavailableError } from "../errors.ts";
import type { RequestInfo } from "../http/server.ts";
import { annotate, traceContext, traceEvent } from "../tracing/tracing.ts";
import { AsyncRoutes } from "./async_routes.ts";
import { chooseForInvoke, RoundRobin } from "./choice.ts";
import { forward, type ForwardBody } from "./forward.ts";
import { BalancerMetrics } from "./metrics.ts";
import type { Target, TargetSet } from "./targets.ts";

/** Bodies up to this size are held, so that the request can be sent again to another node. */
export const REPLAYABLE_BYTES = 1024 * 1024;
/** Async answers are read for their `ReqId` when they are at most this large. */
const ASYNC_ANSWER_BYTES = 64 * 1024;
const ASYNC_FIELD = /"async"\s*:\s*true/i;
const decoder = new TextDecoder();

/** Options of {@linkcode Balancer}. */
export interface BalancerOptions {
  /** The targets (kept current by the registry watch and the load poller). */
  targets: TargetSet;
  /** `registry.area`. */
  area: string;
  /** Whether targets come from etcd. */
  etcd: boolean;
  /** `async.ttl`: how long a request id's node is remembered. */
  asyncTtlSeconds: number;
  /** `lb.retry.interval` in ms: how long a failed target stays out. */
  retryIntervalMs: number;
  /** Who may read the balancer's own status and metrics. */
  gatekeeper: Gatekeeper;
  /** Host names requests may name. */
  hosts: AllowedHosts;
  /** `api.cors.origins`. */
  corsOrigins: readonly string[];
  /** The clock. @default Date.now */
  now?: () => number;
}

/** What a request is sent on with: who asked, and its body. */
interface Outgoing {
  request: Request;
  client: string;
  body: ForwardBody;
}

/** The load balancer's request handling. */
export class Balancer {
  /** The HTTP app (its `fetch` is the front's handler). */
  readonly app: Hono<{ Bindings: RequestInfo }>;
  readonly #options: BalancerOptions;
  readonly #now: () => number;
  readonly #turns = new RoundRobin();
  readonly #asyncRoutes: AsyncRoutes;
  readonly #metrics = new BalancerMetrics();
  #requests = 0;
  #retries = 0;

  /** @param options targets, area, intervals and access rules */
  constructor(options: BalancerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#asyncRoutes = new AsyncRoutes(options.asyncTtlSeconds);
    this.app = this.#routes();
  }

  /** The balancer's own `/status`. */
  status(): BalancerStatus {
    return {
      Area: this.#options.area,
      Etcd: this.#options.etcd,
      Targets: this.#options.targets.all().map((t) => t.status()),
      Requests: this.#requests,
      Retries: this.#retries,
      AsyncRoutes: this.#asyncRoutes.size,
    };
  }

  #routes(): Hono<{ Bindings: RequestInfo }> {
    const app = new Hono<{ Bindings: RequestInfo }>();
    app.use(hostCheck(this.#options.hosts));
    app.use(corsCheck(this.#options.corsOrigins));
    traceRoute(app, "/invoke/:fn", (c) => `lb invoke ${c.req.param("fn")}`);
    traceRoute(app, "/poll/:reqId", () => "lb poll");
    app.get("/status", async (c) => {
      await this.#authorizeRead(c.req.raw, "read the balancer's status");
      return c.json(this.status());
    });
    app.get("/metrics", async (c) => {
      await this.#authorizeRead(c.req.raw, "read the balancer's metrics");
      return c.text(this.#metrics.render(this.#options.targets.all()), 200, {
        "content-type": "text/plain; version=0.0.4",
      });
    });
    app.all("/poll/:reqId", async (c) => {
      const out = await this.#outgoing(c.req.raw, c.env);
      return await this.#poll(out, c.req.param("reqId"));
    });
    app.all("/invoke/:fn", async (c) => {
      const out = await this.#outgoing(c.req.raw, c.env);
      return await this.#send(out, c.req.param("fn"));
    });
    // After the routes above: their handlers answer before this middleware would run.
    traceRoute(app, "*", (c) => `lb ${c.req.method} ${c.req.path}`);
    app.all("*", async (c) => await this.#send(await this.#outgoing(c.req.raw, c.env), ""));
    answerErrors(app);
    return app;
  }

  /** Lets `request` through when its token may `read` (the balancer's own `action`). */
  async #authorizeRead(request: Request, action: string): Promise<void> {
    await this.#options.gatekeeper.authorize(
      { authorization: request.headers.get("authorization") ?? undefined },
      { role: "read", action },
    );
  }

  /**
   * Sends `out` to the best target for function `fn` (`""`: not an invocation, in turn), and
   * once more to another when the first fails before answering and the body was held.
   */
  async #send(out: Outgoing, fn: string): Promise<Response> {
    this.#requests++;
    const tried = new Set<Target>();
    let failed: Target | undefined;
    for (;;) {
      const target = this.#choose(fn, tried);
      if (!target) throw failed ? this.#failed(failed) : this.#noTarget();
      tried.add(target);
      const answer = await this.#sendTo(target, out, fn);
      if (answer) return fn === "" ? answer : await this.#learnAsync(out, answer, target);
      if (failed || out.body instanceof ReadableStream) throw this.#failed(target);
      traceEvent("retry", {
        "serverledge.lb.failed.target": target.url,
        "serverledge.lb.failed.error": target.lastError ?? "",
      });
      failed = target;
      this.#retries++;
      this.#metrics.retried();
    }
  }

  /** `/poll/<reqId>`: to the node that issued the id, else to each target until one knows it. */
  async #poll(out: Outgoing, reqId: string): Promise<Response> {
    this.#requests++;
    const now = this.#now();
    const known = this.#asyncRoutes.nodeOf(reqId, now);
    const usable = this.#options.targets.usable();
    const order = usable.filter((t) => t.url === known).concat(
      usable.filter((t) => t.url !== known),
    );
    let notFound: Response | undefined;
    for (const target of order) {
      const answer = await this.#sendTo(target, out, "");
      if (!answer) continue;
      if (answer.status !== 404) return answer;
      notFound = answer;
    }
    if (notFound) return notFound;
    throw this.#noTarget();
  }

  /**
   * A request to send on: checked for a known token when the balancer has tokens (the node
   * checks its role), with its client's address and its body held (when small enough) or
   * streamed.
   */
  async #outgoing(request: Request, info: RequestInfo | undefined): Promise<Outgoing> {
    this.#options.gatekeeper.authenticate({
      authorization: request.headers.get("authorization") ?? undefined,
    });
    const client = info?.remoteAddr?.hostname ?? "unknown";
    if (request.body === null) return { request, client, body: null };
    const declared = Number(request.headers.get("content-length") ?? NaN);
    const body = declared <= REPLAYABLE_BYTES ? await request.bytes() : request.body;
    return { request, client, body };
  }

  #choose(fn: string, tried: ReadonlySet<Target>): Target | undefined {
    const usable = this.#options.targets.usable().filter((t) => !tried.has(t));
    return fn === "" ? this.#turns.next(usable) : chooseForInvoke(usable, fn, this.#turns);
  }

  /**
   * The target's answer, or `undefined` when it failed before answering (it is taken out). The
   * active span (the request's, with tracing on) names the target, and its context goes along.
   */
  async #sendTo(target: Target, out: Outgoing, fn: string): Promise<Response | undefined> {
    const started = performance.now();
    target.begin(fn);
    annotate({ "serverledge.lb.target": target.url, "serverledge.lb.target.id": target.id });
    try {
      const answer = await forward(out.request, target, out.body, out.client, traceContext());
      const ms = performance.now() - started;
      target.end(fn, ms);
      this.#metrics.answered(target, answer.status, ms);
      return answer;
    } catch (error) {
      target.end(fn);
      target.fail(`${(error as Error).message}`, this.#now() + this.#options.retryIntervalMs);
      this.#metrics.failed(target);
      return undefined;
    }
  }

  /** Remembers which node answered an async invocation with its `ReqId`. */
  async #learnAsync(out: Outgoing, answer: Response, target: Target): Promise<Response> {
    const held = out.body instanceof Uint8Array ? out.body : undefined;
    if (!held || answer.status !== 200 || !ASYNC_FIELD.test(decoder.decode(held))) {
      return answer;
    }
    const declared = Number(answer.headers.get("content-length") ?? NaN);
    if (!(declared <= ASYNC_ANSWER_BYTES)) return answer;
    const bytes = await answer.bytes();
    try {
      const reqId = (JSON.parse(decoder.decode(bytes)) as { ReqId?: unknown }).ReqId;
      if (typeof reqId === "string") this.#asyncRoutes.remember(reqId, target.url, this.#now());
    } catch {
      // Not JSON: nothing to learn; the answer goes back as it came.
    }
    return new Response(bytes, { status: answer.status, headers: answer.headers });
  }

  #noTarget(): UnavailableError {
    const known = this.#options.targets.all();
    const reason = known.length === 0
      ? this.#options.etcd
        ? `no cloud node of area "${this.#options.area}" is registered in etcd`
        : "none is known: set etcd.address or lb.targets"
      : `none of its nodes is up (${known.map((t) => `${t.url}: ${t.lastError}`).join("; ")})`;
    return new UnavailableError(`The balancer has no node to send the request to: ${reason}`, {
      headers: { "retry-after": String(Math.ceil(this.#options.retryIntervalMs / 1000)) },
    });
  }

  #failed(target: Target): BadGatewayError {
    return new BadGatewayError(
      `The node ${target.url} failed before it answered (${target.lastError}), and the ` +
        "request could not be sent to another",
    );
  }
}
