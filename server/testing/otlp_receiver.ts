/**
 * Test fixture: an OTLP/HTTP receiver of traces on 127.0.0.1 that decodes what Deno's
 * OpenTelemetry exports with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` (`POST /v1/traces`) into
 * flat spans; other signals (logs, metrics) are accepted and dropped.
 *
 * @module
 */

/** One received span, flattened. */
export interface ReceivedSpan {
  /** `service.name` of the process that exported it. */
  service: string;
  /** Span name. */
  name: string;
  /** Trace id, 32 hex digits. */
  traceId: string;
  /** Span id, 16 hex digits. */
  spanId: string;
  /** Parent span id; empty for a root span. */
  parentSpanId: string;
  /** Attributes, their values as strings. */
  attributes: Record<string, string>;
  /** Its events, in order, their attributes' values as strings. */
  events: { name: string; attributes: Record<string, string> }[];
  /** Whether it ended failed (status code error), and with what message. */
  error?: string;
  /** When it started and ended, ns since the Unix epoch. */
  startNs: bigint;
  endNs: bigint;
}

/** A running receiver. */
export interface OtlpReceiver extends AsyncDisposable {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the exporting processes. */
  endpoint: string;
  /** Every span received so far. */
  spans(): readonly ReceivedSpan[];
}

/** What an OTLP/JSON value is, as far as the receiver reads it. */
interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}

/** An OTLP/JSON key-value list. */
type KeyValues = { key: string; value: AnyValue }[] | undefined;

/** The text of an OTLP/JSON value (arrays as their items joined by commas). */
function valueText(value: AnyValue): string {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueText).join(",");
  return String(value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? "");
}

function attributesOf(list: KeyValues): Record<string, string> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueText(value)]));
}

/** Whether an OTLP/JSON status code (a number, or the enum's name) is the error code. */
function isError(code: number | string | undefined): boolean {
  return code === 2 || code === "STATUS_CODE_ERROR";
}

/** The spans of an `ExportTraceServiceRequest` in OTLP/JSON. */
export function decodeTraces(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  const request = body as {
    resourceSpans?: {
      resource?: { attributes?: KeyValues };
      scopeSpans?: {
        spans?: {
          name: string;
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          attributes?: KeyValues;
          events?: { name: string; attributes?: KeyValues }[];
          status?: { code?: number | string; message?: string };
          startTimeUnixNano?: string | number;
          endTimeUnixNano?: string | number;
        }[];
      }[];
    }[];
  };
  for (const resource of request.resourceSpans ?? []) {
    const service = attributesOf(resource.resource?.attributes)["service.name"] ?? "";
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          service,
          name: span.name,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? "",
          attributes: attributesOf(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            attributes: attributesOf(event.attributes),
          })),
          ...(isError(span.status?.code) ? { error: span.status?.message ?? "" } : {}),
          startNs: BigInt(span.startTimeUnixNano ?? 0),
          endNs: BigInt(span.endTimeUnixNano ?? 0),
        });
      }
    }
  }
  return spans;
}

/** Starts a receiver on a free 127.0.0.1 port. */
export function startOtlpReceiver(): OtlpReceiver {
  const received: ReceivedSpan[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const { pathname } = new URL(request.url);
    if (request.method !== "POST") return new Response("POST only", { status: 405 });
    if (pathname !== "/v1/traces") {
      await request.body?.cancel();
      return Response.json({});
    }
    if (!request.headers.get("content-type")?.includes("json")) {
      await request.body?.cancel();
      return new Response("OTLP/JSON only", { status: 415 });
    }
    received.push(...decodeTraces(await request.json()));
    return Response.json({});
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    spans: () => received,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
