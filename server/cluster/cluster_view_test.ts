// The cluster view's bookkeeping with a fake clock, a real embedded registry and a real HTTP
// peer answering /load on loopback.
import assert from "node:assert/strict";
import { EmbeddedRegistry } from "../registry/embedded.ts";
import { ClusterView, type ClusterViewOptions } from "./cluster_view.ts";
import type { LoadReport } from "../../protocol/status.ts";
import { sleep } from "../timing/sleep.ts";
import { freePort } from "../testing/node_process.ts";

async function until(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !probe(); i++) await sleep(20);
  assert.ok(probe(), what);
}

/** The view of the edge node "edge-1" of area ROME, with `options` over 60 s poll intervals. */
function edgeView(registry: EmbeddedRegistry, options: Partial<ClusterViewOptions>): ClusterView {
  return new ClusterView({
    registry,
    self: { Id: "edge-1", Url: "http://127.0.0.1:1", Area: "ROME", Cloud: false },
    ttlSeconds: 2,
    nearbyIntervalSeconds: 60,
    monitoringIntervalSeconds: 60,
    staticCloudUrl: "",
    ...options,
  });
}

/** The load report of a cloud node named "cloud-1" with the given warm containers. */
function cloudLoad(warm: Record<string, number>): LoadReport {
  return {
    Id: "cloud-1",
    Url: "",
    Area: "ROME",
    Cloud: true,
    AvailableMemMB: 4096,
    AvailableCPUs: 2,
    AvailableWarmContainers: warm,
    LoadAvg: [0.1, 0.1, 0.1],
  };
}

Deno.test("a static cloud is polled, named by its answer, and dropped when stale", async () => {
  const dir = await Deno.makeTempDir();
  const load = cloudLoad({ f: 1 });
  let answering = true;
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => answering ? Response.json(load) : new Response("down", { status: 503 }),
  );
  const cloudUrl = `http://127.0.0.1:${server.addr.port}`;
  let clock = 1_000_000;
  await using registry = await EmbeddedRegistry.open(dir);
  const view = edgeView(registry, {
    nearbyIntervalSeconds: 1,
    monitoringIntervalSeconds: 1,
    staticCloudUrl: cloudUrl,
    now: () => clock,
  });
  try {
    await view.start();
    assert.deepEqual(view.neighbours(), [], "the node never sees itself");
    assert.equal(view.registryConnected(), true);
    await until(() => view.clouds().length === 1, "the cloud answered");
    const [cloud] = view.clouds();
    assert.equal(cloud.id, "cloud-1");
    assert.equal(cloud.load?.AvailableWarmContainers.f, 1);
    assert.ok(cloud.latencyMs !== undefined && cloud.latencyMs >= 0);

    clock += 3_001;
    assert.deepEqual(view.clouds(), [], "a report older than 3 intervals is not trusted");
    clock -= 3_001;
    view.markUnreachable("cloud-1");
    assert.deepEqual(view.clouds(), [], "a failed offload takes the node out");
    await until(() => view.clouds().length === 1, "the next poll brings it back");

    answering = false;
    await until(() => view.clouds().length === 0, "a node that stops answering is dropped");
    assert.equal(view.peers()[0].reachable, false);
  } finally {
    await view.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a static cloud is polled at start, before the first monitoring interval", async () => {
  const dir = await Deno.makeTempDir();
  const load = cloudLoad({});
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json(load),
  );
  await using registry = await EmbeddedRegistry.open(dir);
  const view = edgeView(registry, { staticCloudUrl: `http://127.0.0.1:${server.addr.port}` });
  try {
    await view.start();
    assert.deepEqual(view.clouds().map((c) => c.id), ["cloud-1"]);
  } finally {
    await view.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a node that registers before it listens is polled again until it answers", async () => {
  const dir = await Deno.makeTempDir();
  const port = freePort();
  await using registry = await EmbeddedRegistry.open(dir);
  const view = edgeView(registry, {});
  let server: Deno.HttpServer | undefined;
  try {
    await view.start();
    // As a node starts: its record first, its API a moment later.
    const record = { Id: "cloud-1", Url: `http://127.0.0.1:${port}`, Area: "ROME", Cloud: true };
    const unregister = await registry.nodes.register(record, 20);
    for (let i = 0; i < 100 && view.peers().length === 0; i++) await sleep(20);
    assert.equal(view.peers()[0]?.reachable, false, "its first poll finds nothing listening");
    server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      () => Response.json(cloudLoad({})),
    );
    // Well within the 60 s monitoring interval, the first one after the start.
    for (let i = 0; i < 200 && view.clouds().length === 0; i++) await sleep(50);
    assert.deepEqual(view.clouds().map((c) => c.id), ["cloud-1"]);
    await unregister();
  } finally {
    await view.close();
    await server?.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
