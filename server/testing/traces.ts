/**
 * Test helpers for traces: the environment that turns a process's OpenTelemetry on towards an
 * OTLP receiver (see `otlp_receiver.ts`), a function that answers the trace context it got,
 * and checks of the span tree received.
 *
 * @module
 */
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import type { ReceivedSpan } from "./otlp_receiver.ts";

/** The trace id of the client's `traceparent` in {@linkcode CLIENT_TRACEPARENT}. */
export const CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
/** The span id of the client's `traceparent`. */
export const CLIENT_SPAN = "b7ad6b7169203331";
/** A client's W3C `traceparent` header, sampled. */
export const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;

/** A Python function answering the trace context its executor call gave it. */
const TRACE_ECHO = `
def handler(params, context):
    return {"traceparent": context.get("traceparent", "")}
`;

/** The create body of `trace_echo`: {@linkcode TRACE_ECHO} in Python, under the name `name`. */
export function traceEchoFunction(name = "trace_echo"): Record<string, unknown> {
  const data = new TextEncoder().encode(TRACE_ECHO);
  return {
    Name: name,
    Runtime: "python310",
    MemoryMB: 128,
    Handler: "trace_echo.handler",
    TarFunctionCode: encodeBase64(writeTar([{ name: "trace_echo.py", data }])),
  };
}

/** The environment of a process exporting its spans as OTLP/JSON to `endpoint` as `service`. */
export function otelEnv(endpoint: string, service: string): Record<string, string> {
  return {
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: service,
  };
}

/** The one span named `name` that `service` exported among `spans`. */
export function onlySpan(
  spans: readonly ReceivedSpan[],
  service: string,
  name: string,
): ReceivedSpan {
  const found = spans.filter((s) => s.service === service && s.name === name);
  assert.equal(found.length, 1, `spans "${name}" of ${service}: ${describeSpans(spans)}`);
  return found[0];
}

/** Asserts that `child`'s parent is `parent`. */
export function assertChild(child: ReceivedSpan, parent: ReceivedSpan): void {
  assert.equal(
    child.parentSpanId,
    parent.spanId,
    `"${child.name}" (${child.service}) is not a child of "${parent.name}" (${parent.service})`,
  );
}

/** One line per span (service, name, id, parent, attributes), for failure messages and logs. */
export function describeSpans(spans: readonly ReceivedSpan[]): string {
  return "\n" +
    spans.map((s) =>
      `${s.service} ${s.name} ${s.spanId} <- ${s.parentSpanId} ${JSON.stringify(s.attributes)}`
    ).join("\n");
}
