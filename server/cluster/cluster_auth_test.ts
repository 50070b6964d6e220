// A deployment with tokens and cluster.secret, on loopback: two edge node processes on a real
// etcd poll and offload to each other with the shared secret; a node with another secret is
// neither polled nor polls; a client with an admin token still cannot pose as a node.
import assert from "node:assert/strict";
import { newToken } from "../../protocol/auth.ts";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { FAST_CLUSTER, type NodeProcess, startNodeProcess } from "../testing/node_process.ts";
import { writeTokensFile } from "../testing/tokens.ts";
import { until } from "../testing/until.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

interface Neighbour {
  Id: string;
  Reachable: boolean;
  AvailableMemMB: number | null;
  AvailableWarmContainers: Record<string, number>;
  Received: number;
}

interface Status {
  Neighbours: Neighbour[];
  Invocations: Record<string, number>;
}

Deno.test(
  "nodes with the same cluster.secret poll and offload to each other; others cannot",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "serverledge-cluster-auth-" });
    const admin = newToken();
    await writeTokensFile(`${dir}/tokens`, [[admin, "admin"]]);
    const bearer = { authorization: `Bearer ${admin}` };
    await using etcd = await startEtcd();
    const config = {
      "etcd.address": etcd.address,
      ...FAST_CLUSTER,
      "auth.tokens.file": `${dir}/tokens`,
      "container.pool.memory": 128,
      "scheduler.policy": "edgeonly",
      // No queue: the third request of a burst finds no slot of its own and is offloaded.
      "scheduler.queue.capacity": 0,
    };
    const secret = { ...config, "cluster.secret": "the-secret-of-this-deployment" };
    await using a = await startNodeProcess({ config: secret, token: admin });
    await using b = await startNodeProcess({ config: secret, token: admin });
    await using stranger = await startNodeProcess({
      config: { ...config, "cluster.secret": "the-secret-of-another-deploymnt" },
      token: admin,
    });

    const status = async (node: NodeProcess): Promise<Status> =>
      await (await fetch(`${node.url}/status`, { headers: bearer })).json();
    const post = async (node: NodeProcess, path: string, body: unknown) => {
      const response = await fetch(`${node.url}${path}`, {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() as Record<string, unknown> };
    };
    const sees = (node: NodeProcess, id: string) => async () =>
      (await status(node)).Neighbours.some((n) =>
        n.Id === id && n.Reachable && n.AvailableMemMB !== null
      );
    await until(sees(a, b.id), "A to see B");
    await until(sees(b, a.id), "B to see A");

    await post(a, "/create", await exampleFunction("sleepy", "sleep.py", { MemoryMB: 64 }));
    await until(
      async () => (await post(b, "/invoke/sleepy", { Params: { seconds: 0 } })).status === 200,
      "B to have it",
    );
    for (const [from, to] of [[a, b], [b, a]]) {
      await until(
        async () =>
          (await status(from)).Neighbours.some((n) =>
            n.Id === to.id && (n.AvailableWarmContainers.sleepy ?? 0) > 0
          ),
        `${from.id} to see an idle container of ${to.id}`,
      );
      const burst = await Promise.all(
        [1, 2, 3].map(() => post(from, "/invoke/sleepy", { Params: { seconds: 1 } })),
      );
      assert.deepEqual(burst.map((r) => r.status), [200, 200, 200], JSON.stringify(burst));
      const away = burst.filter((r) => r.body.SchedAction === "O");
      assert.equal(away.length, 1, JSON.stringify(burst.map((r) => r.body)));
      assert.equal(away[0].body.ExecutedOn, to.id);
      const view = (await status(to)).Neighbours.find((n) => n.Id === from.id);
      assert.equal(view?.Received, 1, `${to.id} received one request from ${from.id}`);
    }

    // The stranger's secret differs: its polls of A and B are refused, and theirs of it.
    await sleep(3000);
    for (const node of [a, b]) {
      const view = (await status(node)).Neighbours.find((n) => n.Id === stranger.id);
      assert.equal(view?.Reachable, false, `${node.id} does not reach the stranger`);
      assert.equal(view?.AvailableMemMB, null);
    }
    const strangerView = (await status(stranger)).Neighbours;
    assert.ok(strangerView.every((n) => !n.Reachable), JSON.stringify(strangerView));

    // A client with the admin token cannot pose as a node: refused, nothing counted.
    const before = (await status(b)).Invocations;
    const posing = await fetch(`${b.url}/invoke/sleepy`, {
      method: "POST",
      headers: {
        ...bearer,
        "content-type": "application/json",
        "Serverledge-Offloaded-From": a.id,
      },
      body: "{}",
    });
    assert.equal(posing.status, 403);
    assert.match((await posing.json()).Error, /^Only nodes of this deployment may send/);
    assert.deepEqual((await status(b)).Invocations, before);
    await Deno.remove(dir, { recursive: true });
  },
);
