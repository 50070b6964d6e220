// A deployment on loopback: a real etcd, one cloud node and edge nodes as real processes
// sharing the Docker daemon. Discovery, failure detection, policies, offloading and bursts.
import assert from "node:assert/strict";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { FAST_CLUSTER, type NodeProcess, startNodeProcess } from "../testing/node_process.ts";
import { postJson } from "../testing/post_json.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const FAST = {
  ...FAST_CLUSTER,
  "registry.area": "ROME",
};

interface Neighbour {
  Id: string;
  Cloud: boolean;
  Reachable: boolean;
  AvailableMemMB: number | null;
  LatencyMs: number | null;
}

interface Status {
  Neighbours: Neighbour[];
  Invocations: Record<string, number>;
  AvailableWarmContainers: Record<string, number>;
}

async function status(node: NodeProcess): Promise<Status> {
  return await (await fetch(`${node.url}/status`)).json();
}

async function post(node: NodeProcess, path: string, body: unknown) {
  const response = await postJson(`${node.url}${path}`, body);
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

async function until(probe: () => Promise<boolean>, what: string, ms = 15_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await probe()) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

const sees = (node: NodeProcess, id: string) => async () =>
  (await status(node)).Neighbours.some((n) =>
    n.Id === id && n.Reachable && n.AvailableMemMB !== null
  );

Deno.test(
  "nodes register, see each other with their load, and drop out when killed",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const config = { ...FAST, "etcd.address": etcd.address };
    await using cloud = await startNodeProcess({ config: { ...config, cloud: true } });
    await using a = await startNodeProcess({ config });
    await using b = await startNodeProcess({ config });
    await using other = await startNodeProcess({ config: { ...config, "registry.area": "PARIS" } });

    await until(sees(a, b.id), "A to see B");
    await until(sees(a, cloud.id), "A to see the cloud");
    const view = await status(a);
    const cloudView = view.Neighbours.find((n) => n.Id === cloud.id)!;
    assert.equal(cloudView.Cloud, true);
    assert.ok((cloudView.LatencyMs ?? -1) >= 0);
    assert.ok(
      !view.Neighbours.some((n) => n.Id === other.id && n.Reachable),
      "other areas are not polled",
    );

    await b.stop("SIGKILL");
    const gone = await until(
      async () => !(await status(a)).Neighbours.some((n) => n.Id === b.id),
      "B to disappear",
    );
    assert.ok(gone < 6_000, `gone after ${gone} ms (TTL 2 s)`);
    await b.restart();
    await until(sees(a, b.id), "B to reappear");

    const connected = async () =>
      ((await (await fetch(`${a.url}/status`)).json()) as { RegistryConnected: boolean })
        .RegistryConnected;
    assert.equal(await connected(), true);
    await etcd.stop();
    await until(async () => !(await connected()), "A to notice etcd is down");
    await etcd.start();
    await until(connected, "A to see etcd again");
    await until(sees(a, b.id), "A to see B after the etcd restart");
  },
);

Deno.test("policies offload what does not fit, sync and async, and count it", opts, async () => {
  await using etcd = await startEtcd();
  const config = { ...FAST, "etcd.address": etcd.address };
  await using cloud = await startNodeProcess({
    config: { ...config, cloud: true, "container.pool.memory": 2048 },
  });
  // No queue on these edges: a request that finds no container slot of its own is offloaded
  // or refused at once, so the counts below follow from the memory alone.
  const noQueue = { ...config, "container.pool.memory": 128, "scheduler.queue.capacity": 0 };
  await using edge = await startNodeProcess({ config: noQueue });
  await using edgeOnly = await startNodeProcess({
    config: { ...noQueue, "scheduler.policy": "edgeonly" },
  });
  await using local = await startNodeProcess({
    config: { ...noQueue, "scheduler.policy": "localonly" },
  });
  await using qos = await startNodeProcess({
    config: { ...config, "container.pool.memory": 1024, "scheduler.policy": "edgecloud" },
  });
  for (const node of [edge, edgeOnly, local, qos]) await until(sees(node, cloud.id), "the cloud");
  await until(sees(edgeOnly, edge.id), "edgeonly to see an edge neighbour");

  const sleepy = await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 });
  assert.equal((await post(edge, "/create", sleepy)).status, 200);
  await until(
    async () => (await post(cloud, "/invoke/sleepy", { Params: { seconds: 0 } })).status === 200,
    "sync",
  );

  // Burst on the default edge: 2 fit locally, the rest goes to the cloud.
  const burst = await Promise.all(
    Array.from({ length: 30 }, () => post(edge, "/invoke/sleepy", { Params: { seconds: 1 } })),
  );
  const failed = burst.filter((r) => r.status !== 200);
  assert.deepEqual(failed, [], "every request of the burst ran somewhere");
  const offloaded = burst.filter((r) => r.body.SchedAction === "O");
  assert.equal(offloaded.length, 28);
  for (const r of offloaded) {
    assert.equal(r.body.ExecutedOn, cloud.id);
    assert.ok((r.body.OffloadLatency as number) >= 0);
  }
  assert.equal(burst.filter((r) => r.body.ExecutedOn === edge.id).length, 2);
  const counts = (await status(edge)).Invocations;
  assert.equal(counts.Local, 2);
  assert.equal(counts.OffloadedCloud, 28);
  assert.equal(counts.Dropped, 0);
  assert.ok((await status(cloud)).Invocations.Received >= 28);

  // An offloaded async request stays pollable where its ReqId was given.
  const hold = post(edge, "/invoke/sleepy", { Params: { seconds: 1.5 } });
  const hold2 = post(edge, "/invoke/sleepy", { Params: { seconds: 1.5 } });
  await sleep(300);
  const { body } = await post(edge, "/invoke/sleepy", { Params: { seconds: 0 }, Async: true });
  let report: Record<string, unknown> = {};
  await until(async () => {
    const poll = await fetch(`${edge.url}/poll/${body.ReqId}`);
    report = await poll.json();
    return poll.status === 200;
  }, "the async report");
  assert.equal(report.Success, true);
  assert.equal(report.ExecutedOn, cloud.id);
  await Promise.all([hold, hold2]);

  // CanDoOffloading false and localonly never leave the node: the third request is dropped.
  for (const [node, extra] of [[edge, { CanDoOffloading: false }], [local, {}]] as const) {
    const answers = await Promise.all(
      [1, 2, 3].map(() => post(node, "/invoke/sleepy", { Params: { seconds: 1 }, ...extra })),
    );
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 200, 429]);
    assert.ok(answers.every((r) => r.body.SchedAction !== "O"));
  }

  // edgeonly offloads to an edge neighbour, never to the cloud.
  const edgeAnswers = await Promise.all(
    [1, 2, 3].map(() => post(edgeOnly, "/invoke/sleepy", { Params: { seconds: 1 } })),
  );
  const away = edgeAnswers.filter((r) => r.body.SchedAction === "O");
  assert.equal(away.length, 1, JSON.stringify(edgeAnswers.map((r) => r.body)));
  assert.notEqual(away[0].body.ExecutedOn, cloud.id);
  assert.equal((await status(edgeOnly)).Invocations.OffloadedEdge, 1);

  // edgecloud: a batch request goes to the cloud although it fits here.
  const batch = await post(qos, "/invoke/sleepy", { Params: { seconds: 0 }, QoSClass: "batch" });
  assert.equal(batch.body.ExecutedOn, cloud.id);
  const low = await post(qos, "/invoke/sleepy", { Params: { seconds: 0 }, QoSClass: 0 });
  assert.equal(low.body.ExecutedOn, qos.id);
});

Deno.test("a neighbour killed during a burst loses no request", opts, async () => {
  await using etcd = await startEtcd();
  const config = { ...FAST, "etcd.address": etcd.address };
  await using target = await startNodeProcess({
    config: { ...config, "container.pool.memory": 2048 },
  });
  await using spare = await startNodeProcess({
    config: { ...config, "container.pool.memory": 2048 },
  });
  await using edge = await startNodeProcess({
    config: {
      ...config,
      "container.pool.memory": 128,
      "scheduler.policy": "edgeonly",
      "scheduler.queue.capacity": 0,
    },
  });
  await until(sees(edge, target.id), "the target");
  await until(sees(edge, spare.id), "the spare");
  await post(edge, "/create", await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 }));
  await until(async () => (await post(target, "/invoke/sleepy", {})).status === 200, "sync");
  await until(async () => (await post(spare, "/invoke/sleepy", {})).status === 200, "sync");

  const started = Date.now();
  const burst = Promise.all(
    Array.from({ length: 12 }, () => post(edge, "/invoke/sleepy", { Params: { seconds: 1 } })),
  );
  await sleep(400);
  await target.stop("SIGKILL");
  const answers = await burst;
  assert.ok(Date.now() - started < 30_000, "nothing hangs");
  for (const answer of answers) {
    if (answer.status === 200) assert.equal(answer.body.Success, true);
    else {
      assert.ok([429, 503].includes(answer.status), JSON.stringify(answer));
      assert.ok(String(answer.body.Error).length > 0);
    }
  }
  const ok = answers.filter((a) => a.status === 200).length;
  assert.ok(ok >= 10, `${ok} of 12 ran: requests cut by the kill are retried elsewhere`);
});

Deno.test("an edge queues what it can serve in time and offloads the rest", opts, async () => {
  await using etcd = await startEtcd();
  const config = { ...FAST, "etcd.address": etcd.address };
  await using cloud = await startNodeProcess({
    config: { ...config, cloud: true, "container.pool.memory": 2048 },
  });
  // One 64 MB container fits, and a request may wait here 2.5 s at most.
  await using edge = await startNodeProcess({
    config: { ...config, "container.pool.memory": 64, "scheduler.queue.maxwait": 2.5 },
  });
  await until(sees(edge, cloud.id), "the cloud");
  await post(edge, "/create", await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 }));
  await until(async () => (await post(cloud, "/invoke/sleepy", {})).status === 200, "sync");
  const once = await post(edge, "/invoke/sleepy", { Params: { seconds: 1 } });
  assert.equal(once.body.ExecutedOn, edge.id, "the edge measured a 1 s run");

  // Six 1 s requests at once on one warm container: the first runs, the next ones wait as
  // long as they would be served within 2.5 s, the rest go to the cloud at once.
  const burst = await Promise.all(
    Array.from({ length: 6 }, () => post(edge, "/invoke/sleepy", { Params: { seconds: 1 } })),
  );
  const reports = JSON.stringify(burst.map((r) => r.body));
  assert.deepEqual(burst.map((r) => r.status), [200, 200, 200, 200, 200, 200], reports);
  const here = burst.filter((r) => r.body.ExecutedOn === edge.id);
  const away = burst.filter((r) => r.body.SchedAction === "O");
  assert.equal(here.length + away.length, 6, reports);
  assert.ok(here.length >= 2, `the queue served a request after the first: ${reports}`);
  assert.ok(here.every((r) => r.body.IsWarmStart === true), "no cold start: they waited");
  assert.ok(away.length >= 2, `what could not run in time was offloaded: ${reports}`);
  assert.equal((await status(edge)).Invocations.Dropped, 0);

  // A request whose QoS deadline the queue cannot meet is offloaded too.
  const hold = post(edge, "/invoke/sleepy", { Params: { seconds: 1 } });
  await sleep(200);
  const urgent = await post(edge, "/invoke/sleepy", { Params: { seconds: 0 }, QoSMaxRespT: 0.3 });
  assert.equal(urgent.status, 200, JSON.stringify(urgent.body));
  assert.equal(urgent.body.ExecutedOn, cloud.id);
  await hold;
});
