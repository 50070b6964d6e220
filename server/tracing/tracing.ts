/**
 * Tracing with OpenTelemetry: spans around the steps of an invocation, exported by Deno's
 * built-in OpenTelemetry (`OTEL_DENO=true`, OTLP over HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT`).
 * Deno registers its tracer provider and context manager with `@opentelemetry/api`, so the
 * active span follows the request across `await`s, and Deno's `fetch` sends it on as a W3C
 * `traceparent` header.
 *
 * Off (no `OTEL_DENO=true` at process start), every function here calls straight through:
 * no span, no context, nothing on the warm path but one boolean test.
 *
 * @example
 * ```ts
 * import { inSpan } from "./tracing.ts";
 *
 * const answer = await inSpan("schedule", { "serverledge.policy": "default" }, async () => 42);
 * ```
 *
 * @module
 */
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";

/** The environment variable that turns Deno's OpenTelemetry on, read at process start. */
export const OTEL_DENO = "OTEL_DENO";

const active = (() => {
  try {
    return Deno.env.get(OTEL_DENO) === "true";
  } catch {
    return false; // no permission to read it: Deno's own reading of it needs none, ours does
  }
})();

/**
 * Whether Deno exports telemetry in this process (`OTEL_DENO=true` when it started; read once,
 * as Deno reads it).
 */
export function tracingActive(): boolean {
  return active;
}
const tracer: Tracer | undefined = active ? trace.getTracer("serverledge") : undefined;

/** What a span records besides its name. */
export interface SpanOptions {
  /** The span's kind. @default internal */
  kind?: SpanKind;
}

/**
 * Runs `work` in a new span named `name`, child of the active one; the span ends when `work`
 * settles, with an error status when it throws. Without tracing, runs `work` alone.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span?: Span) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  if (!tracer) return work();
  return tracer.startActiveSpan(name, { kind: options.kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A span named `name`, child of the active one, that the caller ends (for a synchronous step
 * that starts no other span); `undefined` without tracing.
 */
export function startSpan(name: string, attributes: Attributes): Span | undefined {
  return tracer?.startSpan(name, { attributes });
}

/**
 * `new Promise(executor)` in a span named `name` (child of the active one) that ends when the
 * promise settles, failed when it rejects: a wait, such as one in a queue.
 */
export function tracedPromise<T>(
  name: string,
  attributes: Attributes,
  executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
): Promise<T> {
  if (!tracer) return new Promise(executor);
  const span = tracer.startSpan(name, { attributes });
  const promise = new Promise(executor);
  promise.then(() => span.end(), (error) => {
    failed(span, error);
    span.end();
  });
  return promise;
}

/** Marks `span` failed by `error`. */
function failed(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
}

/**
 * Runs `work` in a server span named `name` that continues the trace of the caller's
 * `traceparent` (a client's, or the origin node's for an offloaded request), else starts one.
 * The node's HTTP front is its own, so no span is made for a request before this.
 */
export function serverSpan<T>(
  headers: Headers,
  name: string,
  attributes: Attributes,
  work: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!tracer) return work();
  const caller = propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => carrier.get(key) ?? undefined,
    keys: (carrier) => [...carrier.keys()],
  });
  return context.with(caller, () => inSpan(name, attributes, work, { kind: SpanKind.SERVER }));
}

/**
 * The W3C trace context of the active span (`traceparent`, and `tracestate` when there is
 * one), to hand on to the executor; empty without tracing or outside a span.
 */
export function traceContext(): Record<string, string> {
  const fields: Record<string, string> = {};
  if (tracer) propagation.inject(context.active(), fields);
  return fields;
}

/** Sets `attributes` on the active span, if any (a step's outcome, learned at its end). */
export function annotate(attributes: Attributes): void {
  if (tracer) trace.getActiveSpan()?.setAttributes(attributes);
}

/** Records the event `name` with `attributes` on the active span, if any (a retry, say). */
export function traceEvent(name: string, attributes: Attributes): void {
  if (tracer) trace.getActiveSpan()?.addEvent(name, attributes);
}

/**
 * Records on the server span `span` the status its request was answered with; a 5xx marks it
 * failed, with the message of `error` when one made the answer.
 */
export function recordAnswer(span: Span | undefined, status: number, error?: Error): void {
  span?.setAttribute("http.response.status_code", status);
  if (status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
}
