// Go edges take our edge nodes as neighbours: a Go edge of the area, as Go's code behaves (its
// record in a real etcd, the 1-byte datagram to the host of our record on registry.udp.port,
// the reply read into 1024 bytes), gets our node's status; a source that is not a registered
// node gets nothing; the responder stops with the node.
import assert from "node:assert/strict";
import type { LoadReport } from "../../protocol/status.ts";
import { startEtcd } from "../testing/etcd.ts";
import { exampleFunction } from "../testing/functions.ts";
import { goLookup, goUdpStatusRequest, startGoNode } from "../testing/go_node.ts";
import { freeUdpPort, startNodeProcess } from "../testing/node_process.ts";
import { eventually } from "../testing/until.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const FAST = { "registry.ttl": 2, "registry.nearby.interval": 1, "registry.area": "X" };

Deno.test(
  "a Go edge of the area gets our edge's status over UDP; an unregistered source gets nothing",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const udpPort = freeUdpPort();
    await using goEdge = await startGoNode({ etcdAddress: etcd.address, area: "X" });
    await using edge = await startNodeProcess({
      config: { ...FAST, "etcd.address": etcd.address, "registry.udp.port": udpPort },
    });
    // As Go's monitoring finds it: its value under registry/X/, the host taken from the URL.
    const found = await goLookup(etcd.address, "X", "edge");
    assert.equal(found[`registry/X/${edge.id}`], edge.url);
    const hostname = new URL(found[`registry/X/${edge.id}`]).hostname;
    const poll = (from = "127.0.0.1") =>
      goUdpStatusRequest({ hostname, port: udpPort, from, timeoutMs: 500 });

    // A warm container, so the reply has one to tell.
    const hello = await exampleFunction("hello", "hello.py");
    assert.equal((await edge.post("/create", hello)).status, 200);
    assert.equal((await edge.post("/invoke/hello", { Params: { name: "Go" } })).status, 200);

    // Once our node has read the Go edge's record, the Go edge's host is answered.
    let status = await poll();
    await eventually(async () => (status ??= await poll()) !== undefined, 15_000);
    const load: LoadReport = await (await fetch(`${edge.url}/load`)).json();
    assert.deepEqual(status, {
      Url: edge.url,
      AvailableWarmContainers: { hello: 1 },
      AvailableMemMB: load.AvailableMemMB,
      AvailableCPUs: load.AvailableCPUs,
      DropCount: 0,
      Coordinates: { Vec: [0, 0, 0], Error: 1.5, Adjustment: 0, Height: 1e-5 },
    });
    assert.deepEqual(load.AvailableWarmContainers, { hello: 1 });
    assert.ok(Number.isInteger(status!.AvailableMemMB), "Go reads AvailableMemMB as an int64");

    // 127.0.0.2 is this machine too, but no node of the area registered it.
    assert.equal(await poll("127.0.0.2"), undefined);

    // The Go edge deregisters: its host is not answered any more.
    await goEdge.deregister();
    await eventually(async () => await poll() === undefined, 15_000);
    assert.doesNotMatch(edge.output(), /registry\.udp\.port|Go edge nodes cannot poll/);

    // Stopped, the node no longer holds the port.
    assert.equal(await edge.stop("SIGTERM"), 0);
    Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: udpPort }).close();
  },
);

Deno.test(
  "closing a node closes its UDP socket; a set port in use is a start error",
  opts,
  async () => {
    await using etcd = await startEtcd();
    const udpPort = freeUdpPort();
    const config = { ...FAST, "etcd.address": etcd.address, "registry.udp.port": udpPort };
    {
      await using _node = await startTestNode({ config });
      assert.throws(
        () => Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: udpPort }),
        Deno.errors.AddrInUse,
      );
      await assert.rejects(
        startTestNode({ config }),
        new RegExp(
          `^UnavailableError: 127\\.0\\.0\\.1:${udpPort} \\(registry\\.udp\\.port\\) is in use`,
        ),
      );
    }
    Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: udpPort }).close();
  },
);
