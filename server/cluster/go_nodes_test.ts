// A deployment moving node by node: our node processes and simulated Go Serverledge nodes on
// one real etcd. Our edge offloads to a Go cloud node it knows only from Go's keys and its
// /status, and takes a serverledge-faas edge as a neighbour; a Go edge, reading Go's layout as Go's code does, finds and invokes our cloud node.
import assert from "node:assert/strict";
import type { NeighbourStatus } from "../../protocol/status.ts";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { goLookup, startGoNode } from "../testing/go_node.ts";
import { FAST_CLUSTER, type NodeProcess, startNodeProcess } from "../testing/node_process.ts";
import { postJson } from "../testing/post_json.ts";
import { eventually } from "../testing/until.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const FAST = {
  ...FAST_CLUSTER,
  "registry.area": "ROME",
};

async function neighbours(node: NodeProcess): Promise<NeighbourStatus[]> {
  return (await (await fetch(`${node.url}/status`)).json()).Neighbours;
}

Deno.test(
  "our edge offloads to a Go cloud node found only through Go's keys and its /status",
  opts,
  async () => {
    await using etcd = await startEtcd();
    await using goCloud = await startGoNode({
      etcdAddress: etcd.address,
      area: "ROME",
      cloud: true,
      functions: { hello: (params) => `Hello ${params.name} from Go` },
    });
    goCloud.status.AvailableWarmContainers = { hello: 1 };
    // A serverledge-faas edge of the area (its record `ip;apiPort;udpPort`) is a neighbour.
    await using goEdge = await startGoNode({ etcdAddress: etcd.address, release: "faas" });
    goEdge.status.AvailableMemMB = 1024;
    await using edge = await startNodeProcess({
      config: { ...FAST, "etcd.address": etcd.address, "scheduler.policy": "cloudonly" },
    });
    // The edge sees the Go cloud node, with its load.
    await eventually(
      async () =>
        (await neighbours(edge)).some((n) =>
          n.Id === goCloud.id && n.Reachable && n.Cloud && n.AvailableMemMB === 4096
        ),
      15_000,
    );
    const seen = (await neighbours(edge)).find((n) => n.Id === goCloud.id)!;
    assert.equal(seen.Url, goCloud.url);
    assert.deepEqual(seen.AvailableWarmContainers, { hello: 1 });
    await eventually(
      async () =>
        (await neighbours(edge)).some((n) =>
          n.Id === goEdge.id && n.Reachable && !n.Cloud && n.AvailableMemMB === 1024 &&
          n.Url === goEdge.url && n.LoadAvg?.length === 3
        ),
      15_000,
    );

    const hello = await exampleFunction("hello", "hello.py");
    assert.equal((await edge.post("/create", hello)).status, 200);
    const answer = await edge.post("/invoke/hello", { Params: { name: "edge" } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.Success, true);
    assert.equal(answer.body.Result, JSON.stringify("Hello edge from Go"));
    assert.equal(answer.body.SchedAction, "O");
    assert.equal(answer.body.ExecutedOn, goCloud.id);

    const sent = goCloud.requests.filter((r) => r.path === "/invoke/hello");
    assert.equal(sent.length, 1);
    assert.equal(sent[0].headers["content-type"], "application/json");
    const body = JSON.parse(sent[0].body);
    assert.deepEqual(body.Params, { name: "edge" });
    assert.equal(body.CanDoOffloading, false, "the Go node must not offload it again");

    // A function the Go node does not know: it answers 404 with the JSON string "".
    const other = await exampleFunction("other", "hello.py");
    assert.equal((await edge.post("/create", other)).status, 200);
    const refused = await edge.post("/invoke/other", { Params: {} });
    assert.ok(refused.status >= 500 && refused.status < 600, JSON.stringify(refused.body));
    assert.match(JSON.stringify(refused.body), /could not run the request \(404\)/);

    await sleep(2_500); // more polls: the Go node is asked /load once, then /status only
    assert.equal(goCloud.count("/load"), 1);
    assert.ok(goCloud.count("/status") >= 3, `${goCloud.count("/status")} polls`);

    // Its record gone (Go deregisters by revoking its lease), it drops out of the view.
    await goCloud.deregister();
    await eventually(async () => !(await neighbours(edge)).some((n) => n.Id === goCloud.id));
  },
);

Deno.test(
  "a Go edge finds our cloud node (not our edge) in Go's layout, invokes it, and loses it at its stop",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const config = { ...FAST, "etcd.address": etcd.address };
    await using cloud = await startNodeProcess({ config: { ...config, cloud: true } });
    await using edge = await startNodeProcess({ config });

    // As Go's GetCloudNodes and GetAll list them: the values are URLs, used as they are.
    const clouds = await goLookup(etcd.address, "ROME", "cloud");
    assert.deepEqual(clouds, { [`registry/cloud/ROME/${cloud.id}`]: cloud.url });
    assert.deepEqual(await goLookup(etcd.address, "ROME", "edge"), {
      [`registry/ROME/${edge.id}`]: edge.url,
    });
    const [url] = Object.values(clouds);

    // Go's /status fields, with Go's types.
    const status = await (await fetch(`${url}/status`)).json();
    assert.equal(typeof status.AvailableMemMB, "number");
    assert.equal(typeof status.AvailableCPUs, "number");
    assert.equal(typeof status.AvailableWarmContainers, "object");
    assert.equal(typeof status.DropCount, "number");

    // Go's offloading request (scheduling.Offload) and its reading of the answer.
    const hello = await exampleFunction("hello", "hello.py");
    assert.equal((await cloud.post("/create", hello)).status, 200);
    const response = await postJson(`${url}/invoke/hello`, {
      Params: { name: "Go" },
      QoSClass: 0,
      QoSMaxRespT: -1,
      CanDoOffloading: false,
      Async: false,
    });
    assert.equal(response.status, 200);
    const report = await response.json();
    assert.equal(report.Success, true);
    assert.equal(typeof report.Result, "string");
    assert.match(report.Result, /Go/);
    for (const field of ["ResponseTime", "InitTime", "OffloadLatency", "Duration"]) {
      assert.equal(typeof report[field], "number", field);
    }
    assert.equal(typeof report.IsWarmStart, "boolean");

    // Stopped, it is gone from Go's layout at once (its lease revoked), not a TTL later.
    assert.equal(await cloud.stop("SIGTERM"), 0);
    assert.deepEqual(await goLookup(etcd.address, "ROME", "cloud"), {});
    await edge.stop("SIGTERM");
    assert.deepEqual(await goLookup(etcd.address, "ROME", "edge"), {});
  },
);
