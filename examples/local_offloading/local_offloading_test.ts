// Serverledge's examples/local_offloading, run as its README (and ours, beside this file) says:
// a real etcd, then the edge node and the cloud node as real processes, each with its config file
// exactly as it is here. The environment overrides only what must differ on a test machine, each
// through the key's SERVERLEDGE_* variable: `etcd.address` (the test's etcd listens on a free
// port, not on Serverledge's default localhost:2379), `api.port` (1323 and 1326 may be taken by
// other nodes on this machine) and, with etcd, the edge's `registry.udp.port` (9876, likewise),
// `data.dir` (one temporary dir for both nodes, as two nodes started in one working directory
// share its `.data`) and `node.id` (so that the test removes the containers of its own nodes),
// plus `container.pool.blank: 0` (no blank containers kept ready: fewer containers on a shared
// machine, none of which the example needs).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { ExecutionReport } from "../../protocol/invocation.ts";
import type { NodeStatus } from "../../protocol/status.ts";
import { startEtcd } from "../../server/testing/etcd.ts";
import { exampleFunction } from "../../server/testing/functions.ts";
import {
  freeUdpPort,
  type NodeProcess,
  startNodeProcess,
} from "../../server/testing/node_process.ts";
import { until } from "../../server/testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const EDGE_FILE = fileURLToPath(new URL("./confEdge.yaml", import.meta.url));
const CLOUD_FILE = fileURLToPath(new URL("./confCloud.yaml", import.meta.url));

/** A temporary directory, removed when disposed. */
async function temporaryDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "local-offloading-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function status(node: NodeProcess): Promise<NodeStatus> {
  return await (await fetch(`${node.url}/status`)).json();
}

async function invoke(node: NodeProcess, fn: string, body: Record<string, unknown>) {
  const answer = await node.post(`/invoke/${fn}`, body);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as unknown as ExecutionReport;
}

/** Whether `edge` has polled the cloud node `cloud` (as `serverledge-cli status` shows it). */
async function sees(edge: NodeProcess, cloud: NodeProcess): Promise<boolean> {
  const seen = (await status(edge)).Neighbours.find((n) => n.Id === cloud.id);
  return seen !== undefined && seen.Cloud && seen.Reachable && seen.AvailableMemMB !== null;
}

/** Creates a function on `edge` and waits until `cloud` knows it too (through etcd). */
async function createShared(
  edge: NodeProcess,
  cloud: NodeProcess,
  definition: Record<string, unknown>,
): Promise<void> {
  const created = await edge.post("/create", definition);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const knows = async () =>
    ((await (await fetch(`${cloud.url}/function`)).json()) as string[]).includes(
      String(definition.Name),
    );
  await until(knows, `the cloud to know ${definition.Name}`);
}

/** The lines a node printed that name one of `keys` and say they are not used. */
function unusedKeyLines(node: NodeProcess, keys: readonly string[]): string[] {
  return node.output().split("\n").filter((line) =>
    keys.some((key) => line.includes(`Ignoring config key "${key}"`)) &&
    line.includes("this node does not use it")
  );
}

Deno.test(
  "the edge of examples/local_offloading offloads to its cloud through etcd",
  opts,
  async () => {
    await using etcd = await startEtcd();
    await using workDir = await temporaryDir();
    const shared = { "etcd.address": etcd.address, "data.dir": `${workDir.path}/.data` };
    // In the README's order: the edge first, then the cloud.
    await using edge = await startNodeProcess({
      file: EDGE_FILE,
      config: { ...shared, "registry.udp.port": freeUdpPort() },
    });
    await using cloud = await startNodeProcess({ file: CLOUD_FILE, config: shared });
    await until(() => sees(edge, cloud), "the edge to see the cloud");

    // The Go-only keys of confEdge.yaml are named at start, as keys this node does not use.
    const goOnly = ["scheduler.version", "scheduler.cloud.cost", "scheduler.local.budget"];
    assert.equal(unusedKeyLines(edge, goOnly).length, 3, edge.output());
    const edgeStatus = await status(edge);
    assert.equal(edgeStatus.Policy, "edgecloud", "QoSAwareEdgeCloud is read as edgecloud");
    assert.equal(edgeStatus.Pool.MemoryMB, 3072);
    assert.equal((await status(cloud)).Pool.MemoryMB, 6072);
    for (const node of [edge, cloud]) assert.doesNotMatch(node.output(), /"etcd\.address" is not/);

    // Step 4 of the README: a function created on the edge exists on the cloud too (etcd).
    await createShared(edge, cloud, await exampleFunction("func", "isprime.py", { MemoryMB: 256 }));

    // `invoke -f func -p n:17`: the cheapest place for a low-class request is the edge itself,
    // which has room.
    const here = await invoke(edge, "func", { Params: { n: "17" } });
    assert.equal(here.SchedAction, "", JSON.stringify(here));
    assert.equal(here.ExecutedOn, edge.id);
    assert.deepEqual(JSON.parse(here.Result), { n: 17, IsPrime: true });

    // `--qosclass high_availability`: the cloud first.
    const available = await invoke(edge, "func", { Params: { n: "91" }, QoSClass: 2 });
    assert.equal(available.SchedAction, "O", JSON.stringify(available));
    assert.equal(available.ExecutedOn, cloud.id);
    assert.deepEqual(JSON.parse(available.Result), { n: 91, IsPrime: false, Divisor: 7 });

    // A function the edge's pool (3072 MB) cannot hold runs in the cloud's (6072 MB).
    const big = await exampleFunction("bigfunc", "isprime.py", { MemoryMB: 4096 });
    await createShared(edge, cloud, big);
    const offloaded = await invoke(edge, "bigfunc", { Params: { n: "17" } });
    assert.equal(offloaded.SchedAction, "O", JSON.stringify(offloaded));
    assert.equal(offloaded.ExecutedOn, cloud.id);

    // Both nodes count what happened.
    const counts = (await status(edge)).Invocations;
    assert.equal(counts.Local, 1);
    assert.equal(counts.OffloadedCloud, 2);
    assert.equal((await status(cloud)).Invocations.Received, 2);
  },
);

Deno.test(
  "without etcd, each node of the example says at start, in one line, that nothing is shared",
  opts,
  async () => {
    // The cloud's file sets `cloud: true`; the edge's sets an offloading policy, and its area is
    // given here by the environment, as a user would set it.
    await using cloud = await startNodeProcess({ file: CLOUD_FILE });
    await using edge = await startNodeProcess({
      file: EDGE_FILE,
      env: { SERVERLEDGE_REGISTRY_AREA: "ROME" },
    });
    const warning = (node: NodeProcess) =>
      node.output().split("\n").filter((line) => line.includes('"etcd.address" is not'));
    assert.deepEqual(warning(cloud).length, 1, cloud.output());
    assert.match(warning(cloud)[0], /^Warning: "cloud" \(true\) is set but "etcd\.address" is not/);
    assert.deepEqual(warning(edge).length, 1, edge.output());
    assert.match(
      warning(edge)[0],
      /^Warning: "registry\.area" \(ROME\) and "scheduler\.policy" \(edgecloud\) are set but "etcd\.address" is not: .*set "etcd\.address" \(e\.g\. localhost:2379/,
    );
  },
);
