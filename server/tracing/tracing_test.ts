import assert from "node:assert/strict";
import { failedNodeStart, startNodeProcess } from "../testing/node_process.ts";
import { type ReceivedSpan, startOtlpReceiver } from "../testing/otlp_receiver.ts";
import { builtInImages } from "../runtimes/catalog.ts";
import { eventually } from "../testing/until.ts";
import {
  assertChild,
  CLIENT_SPAN,
  CLIENT_TRACE,
  CLIENT_TRACEPARENT,
  describeSpans,
  onlySpan as only,
  otelEnv,
  traceEchoFunction,
} from "../testing/traces.ts";
import { inSpan, serverSpan, traceContext, tracedPromise } from "./tracing.ts";

Deno.test("without OTEL_DENO the helpers only run the work: no span, no trace context", async () => {
  assert.equal(await inSpan("step", {}, (span) => Promise.resolve(span)), undefined);
  assert.deepEqual(traceContext(), {});
  const headers = new Headers({ traceparent: CLIENT_TRACEPARENT });
  assert.equal(await serverSpan(headers, "invoke", {}, () => Promise.resolve(7)), 7);
  await assert.rejects(tracedPromise("queue", {}, (_, refuse) => refuse(new Error("full"))), {
    message: "full",
  });
});

Deno.test("tracing.enabled without OTEL_DENO=true: the node refuses to start, saying what to set", async () => {
  const stderr = await failedNodeStart({ config: { "tracing.enabled": true } });
  assert.match(stderr, /"tracing\.enabled" is true.*OTEL_DENO=true/);
});

Deno.test({
  name: "one trace across an edge and the cloud it offloads to, the executor in it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using receiver = startOtlpReceiver();
    await using cloud = await startNodeProcess({
      config: { cloud: true, "tracing.enabled": true },
      env: otelEnv(receiver.endpoint, "cloud"),
    });
    await using edge = await startNodeProcess({
      config: { "scheduler.policy": "cloudonly", "cloud.server.url": cloud.url },
      env: otelEnv(receiver.endpoint, "edge"),
    });
    for (const node of [cloud, edge]) {
      const created = await node.post("/create", traceEchoFunction());
      assert.equal(created.status, 200, JSON.stringify(created.body));
    }

    const answer = await fetch(`${edge.url}/invoke/trace_echo`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: CLIENT_TRACEPARENT,
      },
      body: JSON.stringify({ Params: {} }),
    });
    const report = await answer.json();
    assert.equal(answer.status, 200, JSON.stringify(report));
    assert.equal(report.ExecutedOn, cloud.id);

    const inTrace = () => receiver.spans().filter((s) => s.traceId === CLIENT_TRACE);
    const names = () => inTrace().map((s) => `${s.service}:${s.name}`);
    await eventually(
      () => names().includes("cloud:executor.invoke") && names().includes("edge:invoke trace_echo"),
      20_000,
    );
    const spans = inTrace();
    console.log(describeSpans(spans));

    const edgeInvoke = only(spans, "edge", "invoke trace_echo");
    assert.equal(edgeInvoke.parentSpanId, CLIENT_SPAN, "the edge continues the client's trace");
    assertChild(only(spans, "edge", "schedule"), edgeInvoke);
    assert.equal(
      only(spans, "edge", "schedule").attributes["serverledge.plan"],
      `cloud:${cloud.id}`,
    );
    const offload = only(spans, "edge", `offload ${cloud.id}`);
    assertChild(offload, edgeInvoke);
    const cloudInvoke = only(spans, "cloud", "invoke trace_echo");
    const request = spans.find((s) => s.spanId === cloudInvoke.parentSpanId);
    assert.ok(request, "the cloud's invoke span has its parent in the edge's trace");
    assert.equal(request.service, "edge");
    assertChild(request, offload); // Deno's fetch: a client span, its context in traceparent
    assert.equal(cloudInvoke.attributes["http.response.status_code"], "200");

    const acquire = only(spans, "cloud", "acquire");
    assertChild(acquire, cloudInvoke);
    assert.equal(acquire.attributes["serverledge.warm"], "false");
    assertChild(only(spans, "cloud", "queue"), acquire);
    const start = only(spans, "cloud", "container.start");
    assertChild(start, acquire);
    for (const step of ["container.create", "executor.ready", "code.init"]) {
      assertChild(only(spans, "cloud", step), start);
    }
    const call = only(spans, "cloud", "executor.invoke");
    assertChild(call, cloudInvoke);
    assert.deepEqual(JSON.parse(report.Result), {
      traceparent: `00-${CLIENT_TRACE}-${call.spanId}-01`,
    });
    assert.equal(spans.filter((s) => s.service === "cloud" && s.name === "schedule").length, 1);
  },
});

Deno.test({
  name:
    "a cold start that takes a blank container, then an async invocation: each one trace, parented as documented",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using receiver = startOtlpReceiver();
    await using node = await startNodeProcess({
      config: { "container.pool.blank": 1, "tracing.enabled": true },
      env: otelEnv(receiver.endpoint, "node"),
    });
    const blanks = async () =>
      ((await (await fetch(`${node.url}/status`)).json()) as { Pool: { Blank: number } }).Pool
        .Blank;
    await eventually(async () => await blanks() === builtInImages().length, 60_000);
    const created = await node.post("/create", traceEchoFunction());
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const inTrace = (traceId: string) => () =>
      receiver.spans().filter((s) => s.traceId === traceId);

    // The cold start takes the blank container: resized and given the code, not created.
    const cold = await invokeTraced(node.url, { Params: {} }, CLIENT_TRACEPARENT);
    assert.equal(cold.status, 200, JSON.stringify(cold.body));
    assert.equal(cold.body.IsWarmStart, false);
    const coldSpans = await spansOfInvocation(inTrace(CLIENT_TRACE), "executor.invoke");
    const invoke = only(coldSpans, "node", "invoke trace_echo");
    assert.equal(invoke.parentSpanId, CLIENT_SPAN);
    const acquire = only(coldSpans, "node", "acquire");
    assertChild(acquire, invoke);
    assert.equal(acquire.attributes["serverledge.warm"], "false");
    const start = only(coldSpans, "node", "container.start");
    assertChild(start, acquire);
    assert.equal(start.attributes["serverledge.blank"], "true");
    for (const step of ["container.resize", "code.init"]) {
      assertChild(only(coldSpans, "node", step), start);
    }
    for (const step of ["container.create", "executor.ready"]) {
      assert.ok(!coldSpans.some((s) => s.name === step), `no ${step}: ${describeSpans(coldSpans)}`);
    }
    assertChild(only(coldSpans, "node", "executor.invoke"), invoke);

    // An async invocation: the run's spans are the invoke span's children, after its end.
    const asyncTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const submitted = await invokeTraced(
      node.url,
      { Params: {}, Async: true },
      `00-${asyncTrace}-${CLIENT_SPAN}-01`,
    );
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const reqId = submitted.body.ReqId as string;
    let report: Record<string, unknown> = {};
    await eventually(async () => {
      const polled = await fetch(`${node.url}/poll/${reqId}`);
      report = await polled.json();
      return polled.status === 200;
    }, 20_000);
    assert.equal(report.Success, true, JSON.stringify(report));
    const asyncSpans = await spansOfInvocation(inTrace(asyncTrace), "executor.invoke");
    const asyncInvoke = only(asyncSpans, "node", "invoke trace_echo");
    assert.equal(asyncInvoke.parentSpanId, CLIENT_SPAN);
    assert.equal(asyncInvoke.attributes["http.response.status_code"], "200");
    assert.equal(asyncInvoke.attributes["http.route"], "/invoke/:fn");
    assertChild(only(asyncSpans, "node", "schedule"), asyncInvoke);
    const asyncAcquire = only(asyncSpans, "node", "acquire");
    assertChild(asyncAcquire, asyncInvoke);
    assert.equal(asyncAcquire.attributes["serverledge.warm"], "true");
    const call = only(asyncSpans, "node", "executor.invoke");
    assertChild(call, asyncInvoke);
    assert.ok(asyncInvoke.endNs < call.endNs, "the invoke span ended with the ReqId's answer");
    assert.deepEqual(JSON.parse(report.Result as string), {
      traceparent: `00-${asyncTrace}-${call.spanId}-01`,
    });
  },
});

/** POSTs `body` to `/invoke/trace_echo` of `nodeUrl` with the client's `traceparent`. */
async function invokeTraced(
  nodeUrl: string,
  body: Record<string, unknown>,
  traceparent: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${nodeUrl}/invoke/trace_echo`, {
    method: "POST",
    headers: { "content-type": "application/json", traceparent },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: await answer.json() };
}

/** The spans of `inTrace` once `last` and the `invoke` span are in (exports come in batches). */
async function spansOfInvocation(
  inTrace: () => ReceivedSpan[],
  last: string,
): Promise<ReceivedSpan[]> {
  const has = (name: string) => inTrace().some((s) => s.name === name);
  await eventually(() => has(last) && has("invoke trace_echo"), 20_000);
  const spans = inTrace();
  console.log(describeSpans(spans));
  return spans;
}
