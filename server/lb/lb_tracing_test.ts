// serverledge-lb's spans, with real processes: a balancer and node processes exporting to an
// OTLP/JSON receiver; a request through the balancer is one trace from the caller through the
// balancer's span to the node's.
import assert from "node:assert/strict";
import { failedLbStart, startLbProcess } from "../testing/lb_process.ts";
import { startNodeProcess } from "../testing/node_process.ts";
import { startOtlpReceiver } from "../testing/otlp_receiver.ts";
import { eventually } from "../testing/until.ts";
import {
  assertChild,
  CLIENT_SPAN,
  CLIENT_TRACE,
  CLIENT_TRACEPARENT,
  describeSpans,
  onlySpan,
  otelEnv,
  traceEchoFunction,
} from "../testing/traces.ts";
import { REPLAYABLE_BYTES } from "./balancer.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** The id of a client's trace numbered `n`. */
const traceIdOf = (n: number) => String(n).padStart(32, "0");
/** The client's `traceparent` of its trace numbered `n`. */
const traceparentOf = (n: number) => `00-${traceIdOf(n)}-${CLIENT_SPAN}-01`;

Deno.test("tracing.enabled without OTEL_DENO=true: serverledge-lb refuses to start, saying what to set", async () => {
  const stderr = await failedLbStart({ config: { "tracing.enabled": true } });
  assert.match(stderr, /"tracing\.enabled" is true.*serverledge-lb with OTEL_DENO=true/);
});

Deno.test(
  "a request through the balancer: one trace from the caller through the balancer's span to the node's, retries as events",
  opts,
  async () => {
    await using receiver = startOtlpReceiver();
    await using traced = await startNodeProcess({ env: otelEnv(receiver.endpoint, "node") });
    await using doomed = await startNodeProcess();
    for (const node of [traced, doomed]) {
      const created = await node.post("/create", traceEchoFunction());
      assert.equal(created.status, 200, JSON.stringify(created.body));
    }
    await using lb = await startLbProcess({
      config: {
        "lb.targets": [traced.url, doomed.url],
        // No poll notices the doomed node die before a request does.
        "lb.load.interval": 600,
        "tracing.enabled": true,
      },
      env: otelEnv(receiver.endpoint, "lb"),
    });
    const inTrace = (traceId: string) => receiver.spans().filter((s) => s.traceId === traceId);

    // Two listings in turn: one goes to the dead node first, and on to the other.
    await doomed.stop("SIGKILL");
    for (const n of [1, 2]) {
      const listed = await fetch(`${lb.url}/function`, {
        headers: { traceparent: traceparentOf(n) },
      });
      assert.equal(listed.status, 200, await listed.text());
    }
    const listings = () => [1, 2].flatMap((n) => inTrace(traceIdOf(n)));
    await eventually(() => listings().length === 2, 20_000);
    const retried = listings().filter((s) => s.events.some((e) => e.name === "retry"));
    assert.equal(retried.length, 1, describeSpans(listings()));
    const [listing] = retried;
    assert.equal(listing.name, "lb GET /function");
    assert.equal(listing.attributes["http.route"], "*");
    assert.equal(listing.parentSpanId, CLIENT_SPAN);
    assert.deepEqual(listing.events.map((e) => e.name), ["retry"]);
    assert.equal(listing.events[0].attributes["serverledge.lb.failed.target"], doomed.url);
    assert.ok(listing.events[0].attributes["serverledge.lb.failed.error"]);
    assert.equal(listing.attributes["serverledge.lb.target"], traced.url);
    assert.equal(listing.attributes["http.response.status_code"], "200");
    assert.equal(listing.error, undefined);

    // An invocation: the caller's span → the balancer's → the node's invoke and its steps.
    const answer = await fetch(`${lb.url}/invoke/trace_echo`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: CLIENT_TRACEPARENT },
      body: JSON.stringify({ Params: {} }),
    });
    const report = await answer.json();
    assert.equal(answer.status, 200, JSON.stringify(report));
    const names = () => inTrace(CLIENT_TRACE).map((s) => `${s.service}:${s.name}`);
    await eventually(
      () => names().includes("node:executor.invoke") && names().includes("lb:lb invoke trace_echo"),
      20_000,
    );
    const spans = inTrace(CLIENT_TRACE);
    console.log(describeSpans(spans));
    const balanced = onlySpan(spans, "lb", "lb invoke trace_echo");
    assert.equal(balanced.parentSpanId, CLIENT_SPAN, "the balancer continues the caller's trace");
    assert.equal(balanced.attributes["serverledge.fn"], "trace_echo");
    assert.equal(balanced.attributes["http.route"], "/invoke/:fn");
    assert.equal(balanced.attributes["http.request.method"], "POST");
    assert.equal(balanced.attributes["serverledge.lb.target"], traced.url);
    assert.equal(balanced.attributes["serverledge.lb.target.id"], traced.id);
    assert.equal(balanced.attributes["http.response.status_code"], "200");
    assert.deepEqual(balanced.events, []);
    assert.equal(spans.filter((s) => s.service === "lb").length, 1, "one span per request");
    const invoke = onlySpan(spans, "node", "invoke trace_echo");
    assertChild(invoke, balanced);
    assertChild(onlySpan(spans, "node", "acquire"), invoke);
    const call = onlySpan(spans, "node", "executor.invoke");
    assertChild(call, invoke);
    assert.deepEqual(JSON.parse(report.Result), {
      traceparent: `00-${CLIENT_TRACE}-${call.spanId}-01`,
    });

    // A body too large to hold streams through fetch: Deno's client span sits between the two.
    const streamedTrace = traceIdOf(4);
    const streamed = await fetch(`${lb.url}/invoke/trace_echo`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: traceparentOf(4) },
      body: JSON.stringify({ Params: { padding: "x".repeat(REPLAYABLE_BYTES) } }),
    });
    assert.equal(streamed.status, 200, await streamed.text());
    // The node's invoke, its parent and the balancer's span (each process exports in batches).
    const parentOfInvoke = () => {
      const spans = inTrace(streamedTrace);
      const invoke = spans.find((s) => s.service === "node" && s.name === "invoke trace_echo");
      return invoke && spans.find((s) => s.spanId === invoke.parentSpanId);
    };
    const balancedStream = () =>
      inTrace(streamedTrace).some((s) => s.service === "lb" && s.name === "lb invoke trace_echo");
    await eventually(() => parentOfInvoke() !== undefined && balancedStream(), 20_000).catch(
      (error) => {
        throw new Error(`${error.message}: ${describeSpans(inTrace(streamedTrace))}`);
      },
    );
    const viaFetch = inTrace(streamedTrace);
    console.log(describeSpans(viaFetch));
    const client = parentOfInvoke()!;
    assert.equal(client.service, "lb");
    assertChild(client, onlySpan(viaFetch, "lb", "lb invoke trace_echo"));

    // No node left to answer: the balancer's 502 fails its span.
    await traced.stop("SIGKILL");
    const failed = await fetch(`${lb.url}/function`, {
      headers: { traceparent: traceparentOf(3) },
    });
    assert.equal(failed.status, 502, await failed.text());
    const third = () => inTrace(traceIdOf(3));
    await eventually(() => third().length === 1, 20_000);
    const [refused] = third();
    assert.equal(refused.attributes["http.response.status_code"], "502");
    assert.match(refused.error ?? "", /failed before it answered/);
  },
);
