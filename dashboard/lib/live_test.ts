import assert from "node:assert/strict";
import { NodeApi } from "./api.ts";
import { connectLive, type LiveMode } from "./live.ts";
import type { NodeStatus } from "../../protocol/status.ts";

type Route = (url: string, init?: RequestInit) => Response | Promise<Response>;

function recorder() {
  const modes: LiveMode[] = [];
  const statuses: NodeStatus[] = [];
  const invocations: unknown[] = [];
  const functions: string[][] = [];
  const steps: unknown[] = [];
  return {
    modes,
    statuses,
    invocations,
    functions,
    steps,
    handlers: {
      workflow: (e: unknown) => steps.push(e),
      status: (s: NodeStatus) => statuses.push(s),
      invocation: (e: unknown) => invocations.push(e),
      functions: (names: string[]) => functions.push(names),
      mode: (m: LiveMode) => modes.push(m),
    },
  };
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function feed(route: Route, r: ReturnType<typeof recorder>, token?: () => string | undefined) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), headers: (init?.headers ?? {}) as Record<string, string> });
    return await route(String(input), init);
  }) as typeof fetch;
  const api = new NodeApi({ baseUrl: "http://node", fetch: fetcher, token });
  const live = connectLive(r.handlers, {
    api,
    fetch: fetcher,
    pollIntervalMs: 5,
    retryMs: 5,
    streamRetryMs: 50,
    idleTimeoutMs: 1000,
  });
  return { live, calls };
}

Deno.test("the feed reads status, invocation, functions and workflow events from /events", async () => {
  const r = recorder();
  let sent = false;
  const { live, calls } = feed(
    (url, init) => {
      assert.equal(url, "http://node/events");
      if (sent) return new Response(null, { status: 503 });
      sent = true;
      const body = new ReadableStream({
        start(controller) {
          const text = 'event: status\ndata: {"Id":"n1"}\n\n' +
            'event: invocation\ndata: {"Function":"f","Success":true}\n\n' +
            'event: workflow\ndata: {"Step":"A","Phase":"entered"}\n\n' +
            'event: functions\ndata: ["f","g"]\n\nevent: status\ndata: broken json\n\n';
          controller.enqueue(new TextEncoder().encode(text));
          init?.signal?.addEventListener("abort", () => controller.error(new Error("aborted")));
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
    r,
    () => "s3cret",
  );
  await until(() => r.functions.length === 1, "the functions event");
  live.close();
  assert.deepEqual(r.statuses, [{ Id: "n1" }]);
  assert.deepEqual(r.invocations, [{ Function: "f", Success: true }]);
  assert.deepEqual(r.functions, [["f", "g"]]);
  assert.deepEqual(r.steps, [{ Step: "A", Phase: "entered" }]);
  assert.deepEqual(r.modes.slice(0, 2), ["connecting", "live"]);
  assert.equal(calls[0].headers.authorization, "Bearer s3cret");
  assert.equal(calls[0].headers.accept, "text/event-stream");
});

Deno.test("without /events the feed polls /status and tries the stream again later", async () => {
  const r = recorder();
  let polls = 0;
  const { live, calls } = feed((url) => {
    if (url.endsWith("/events")) return new Response('{"Error":"No route"}', { status: 404 });
    polls++;
    return Response.json({ Id: "n1", polls });
  }, r);
  await until(() => calls.filter((c) => c.url.endsWith("/events")).length >= 2, "a retry");
  live.close();
  assert.ok(polls >= 2, `${polls} polls`);
  assert.ok(r.modes.includes("polling"));
  assert.equal(r.statuses[0].Id, "n1");
});

Deno.test("a node that wants a token stops the feed until it reconnects", async () => {
  const r = recorder();
  let token: string | undefined = undefined;
  const { live, calls } = feed(
    (url, init) => {
      const auth = (init?.headers as Record<string, string>).authorization;
      if (auth !== "Bearer good") return new Response('{"Error":"Token needed"}', { status: 401 });
      if (url.endsWith("/events")) return new Response(null, { status: 404 });
      return Response.json({ Id: "n1" });
    },
    r,
    () => token,
  );
  await until(() => r.modes.includes("unauthorized"), "unauthorized");
  const before = calls.length;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(calls.length, before, "no more requests without a token");
  token = "good";
  live.reconnect();
  await until(() => r.statuses.length > 0, "a status with the token");
  live.close();
  assert.ok(r.modes.includes("polling"));
});

Deno.test("a node that does not answer is reported offline and retried", async () => {
  const r = recorder();
  let attempts = 0;
  const { live } = feed(() => {
    attempts++;
    throw new TypeError("connection refused");
  }, r);
  await until(() => attempts >= 3, "retries");
  live.close();
  assert.ok(r.modes.includes("offline"));
});
