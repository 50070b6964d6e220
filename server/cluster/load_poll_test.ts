import assert from "node:assert/strict";
import { startEtcd } from "../testing/etcd.ts";
import { startGoNode } from "../testing/go_node.ts";
import { loadOfGoStatus, LoadPoller } from "./load_poll.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("loadOfGoStatus() maps grussorusso's /status onto a load", () => {
  const load = loadOfGoStatus({
    Url: "http://10.0.0.5:1323",
    AvailableWarmContainers: { hello: 2, bad: -1 },
    AvailableMemMB: 3072,
    AvailableCPUs: 3.5,
    DropCount: 4,
    Coordinates: { Vec: [0, 0, 0], Error: 1.5, Adjustment: 0, Height: 0 },
  });
  assert.deepEqual(load, {
    AvailableMemMB: 3072,
    AvailableCPUs: 3.5,
    AvailableWarmContainers: { hello: 2 },
    LoadAvg: [],
    Url: "http://10.0.0.5:1323",
  });
});

Deno.test("loadOfGoStatus() maps serverledge-faas's /status, unknown load averages as none", () => {
  const status = { AvailableMemMB: 0, UsedMemMB: 2048, AvailableCPUs: 0, LoadAvg: [1, 0.5, 0.25] };
  assert.deepEqual(loadOfGoStatus({ ...status, AvailableWarmContainers: undefined }), {
    AvailableMemMB: 0,
    AvailableCPUs: 0,
    AvailableWarmContainers: {},
    LoadAvg: [1, 0.5, 0.25],
  });
  assert.deepEqual(loadOfGoStatus({ ...status, LoadAvg: [-1, -1, -1] }).LoadAvg, []);
  // Go's JSON of a node without warm containers may be a null map.
  const nullMap = JSON.parse(
    '{"AvailableMemMB":1,"AvailableCPUs":1,"AvailableWarmContainers":null}',
  );
  assert.deepEqual(loadOfGoStatus(nullMap).AvailableWarmContainers, {});
});

Deno.test("loadOfGoStatus() keeps an identity only when the answer has one", () => {
  const ours = { AvailableMemMB: 1, AvailableCPUs: 1, Id: "n1", Area: "ROME", Cloud: true };
  assert.deepEqual(loadOfGoStatus(ours), {
    AvailableMemMB: 1,
    AvailableCPUs: 1,
    AvailableWarmContainers: {},
    LoadAvg: [],
    Id: "n1",
    Area: "ROME",
    Cloud: true,
  });
});

Deno.test("loadOfGoStatus() refuses an answer without load figures", () => {
  assert.throws(() => loadOfGoStatus({ AvailableCPUs: 1 }), /no AvailableMemMB/);
  assert.throws(
    () => loadOfGoStatus(JSON.parse('{"AvailableMemMB":1,"AvailableCPUs":"2"}')),
    /no AvailableCPUs/,
  );
});

Deno.test("LoadPoller reads a Go node's /status, asking /load once only", opts, async () => {
  await using etcd = await startEtcd();
  await using goNode = await startGoNode({ etcdAddress: etcd.address, cloud: true });
  goNode.status.AvailableWarmContainers = { hello: 1 };
  const poller = new LoadPoller({ timeoutMs: 2_000 });
  for (let poll = 0; poll < 3; poll++) {
    const load = await poller.poll(goNode.url);
    assert.equal(load.AvailableMemMB, 4096);
    assert.deepEqual(load.AvailableWarmContainers, { hello: 1 });
    assert.equal(load.Id, undefined);
  }
  assert.equal(goNode.count("/load"), 1);
  assert.equal(goNode.count("/status"), 3);
});

Deno.test("LoadPoller asks /load first again once /status failed", opts, async () => {
  await using etcd = await startEtcd();
  await using goNode = await startGoNode({ etcdAddress: etcd.address, release: "faas" });
  const poller = new LoadPoller({ timeoutMs: 2_000 });
  assert.deepEqual((await poller.poll(goNode.url)).LoadAvg, [0.25, 0.5, 0.5]);
  delete goNode.status.AvailableMemMB;
  await assert.rejects(poller.poll(goNode.url), /no AvailableMemMB/);
  goNode.status.AvailableMemMB = 512;
  assert.equal((await poller.poll(goNode.url)).AvailableMemMB, 512);
  assert.equal(goNode.count("/load"), 2);
});

Deno.test("LoadPoller rejects a node answering /load with an error other than 404", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("no", { status: 401 }),
  );
  const poller = new LoadPoller({ timeoutMs: 2_000 });
  await assert.rejects(
    poller.poll(`http://127.0.0.1:${server.addr.port}`),
    /GET \/load answered 401/,
  );
});

Deno.test(
  "LoadPoller shares a poll under way, and keeps reading /status past a timeout",
  opts,
  async () => {
    await using etcd = await startEtcd();
    await using goNode = await startGoNode({ etcdAddress: etcd.address });
    const poller = new LoadPoller({ timeoutMs: 2_000 });
    const [first, second] = await Promise.all([poller.poll(goNode.url), poller.poll(goNode.url)]);
    assert.equal(first, second);
    assert.equal(goNode.count("/load"), 1);
    assert.equal(goNode.count("/status"), 1);

    const slow = new LoadPoller({ timeoutMs: 300 });
    await slow.poll(goNode.url);
    goNode.delayMs = 600;
    await assert.rejects(slow.poll(goNode.url));
    goNode.delayMs = 0;
    await slow.poll(goNode.url);
    assert.equal(goNode.count("/load"), 2, "once per poller: a timeout is no sign of another node");
  },
);
