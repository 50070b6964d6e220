import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { failedNodeStart, startNodeProcess } from "../testing/node_process.ts";
import { type ReceivedSpan, startOtlpReceiver } from "../testing/otlp_receiver.ts";
import { eventually } from "../testing/registry_contract.ts";
import { inSpan, serverSpan, traceContext, tracedPromise } from "./tracing.ts";

/** A Python function answering the trace context its executor call gave it. */
const TRACE_ECHO = `
def handler(params, context):
    return {"traceparent": context.get("traceparent", "")}
`;

const CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CLIENT_SPAN = "b7ad6b7169203331";

function otelEnv(endpoint: string, service: string): Record<string, string> {
  return {
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: service,
  };
}

/** The one span named `name` that `service` exported. */
function only(spans: readonly ReceivedSpan[], service: string, name: string): ReceivedSpan {
  const found = spans.filter((s) => s.service === service && s.name === name);
  assert.equal(found.length, 1, `spans "${name}" of ${service}: ${JSON.stringify(found)}`);
  return found[0];
}

function assertChild(child: ReceivedSpan, parent: ReceivedSpan): void {
  assert.equal(
    child.parentSpanId,
    parent.spanId,
    `"${child.name}" (${child.service}) is not a child of "${parent.name}" (${parent.service})`,
  );
}

Deno.test("without OTEL_DENO the helpers only run the work: no span, no trace context", async () => {
  assert.equal(await inSpan("step", {}, (span) => Promise.resolve(span)), undefined);
  assert.deepEqual(traceContext(), {});
  const headers = new Headers({ traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
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
    const data = new TextEncoder().encode(TRACE_ECHO);
    const create = {
      Name: "trace_echo",
      Runtime: "python310",
      MemoryMB: 128,
      Handler: "trace_echo.handler",
      TarFunctionCode: encodeBase64(writeTar([{ name: "trace_echo.py", data }])),
    };
    for (const node of [cloud, edge]) {
      const created = await node.post("/create", create);
      assert.equal(created.status, 200, JSON.stringify(created.body));
    }

    const answer = await fetch(`${edge.url}/invoke/trace_echo`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
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
    console.log(
      spans.map((s) =>
        `${s.service} ${s.name} ${s.spanId} <- ${s.parentSpanId} ${JSON.stringify(s.attributes)}`
      ).join("\n"),
    );

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
