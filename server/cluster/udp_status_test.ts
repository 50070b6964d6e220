import assert from "node:assert/strict";
import { UnavailableError } from "../errors.ts";
import { goUdpStatusRequest } from "../testing/go_node.ts";
import { yaml } from "../testing/config.ts";
import type { Peer } from "./peer.ts";
import { UdpSourceGate } from "./udp_gate.ts";
import {
  listenForStatusPolls,
  type UdpStatusPlan,
  udpStatusPlan,
  UdpStatusResponder,
} from "./udp_status.ts";

const ETCD = "etcd.address: 127.0.0.1:2379\n";

Deno.test("udpStatusPlan(): an edge with etcd answers on api.ip, by default when the API is open", () => {
  assert.deepEqual(udpStatusPlan(yaml(ETCD), false), {
    hostname: "127.0.0.1",
    port: 9876,
    explicit: false,
  });
  assert.deepEqual(
    udpStatusPlan(yaml(`${ETCD}api.ip: 0.0.0.0\nregistry.udp.port: 9900\n`), true),
    { hostname: "0.0.0.0", port: 9900, explicit: true },
    "with credentials, when the port is set",
  );
  assert.deepEqual(udpStatusPlan(yaml(ETCD), true), {}, "with credentials, not by default");
  assert.deepEqual(udpStatusPlan(yaml(`${ETCD}registry.udp.port: 0\n`), false), {}, "0: off");
});

Deno.test("udpStatusPlan(): no answers from a cloud node or without etcd; a set port says so", () => {
  assert.deepEqual(udpStatusPlan(yaml(`${ETCD}cloud: true\n`), false), {});
  assert.deepEqual(udpStatusPlan(yaml(""), false), {});
  assert.deepEqual(udpStatusPlan(yaml(`${ETCD}cloud: true\nregistry.udp.port: 9876\n`), false), {
    skipped: "Note: registry.udp.port is unused: this is a cloud node, which Go edges do not poll",
  });
  assert.deepEqual(udpStatusPlan(yaml("registry.udp.port: 9876\n"), false), {
    skipped: "Note: registry.udp.port is unused: without etcd this node has no neighbours",
  });
});

Deno.test("listenForStatusPolls(): a port in use fails a set port, and warns for the default", () => {
  const taken = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const plan: UdpStatusPlan = {
    hostname: "127.0.0.1",
    port: (taken.addr as Deno.NetAddr).port,
    explicit: true,
  };
  const lines: string[] = [];
  try {
    assert.throws(
      () => listenForStatusPolls(plan, () => {}),
      (error: Error) =>
        error instanceof UnavailableError &&
        error.message === `127.0.0.1:${plan.port} (registry.udp.port) is in use: stop what ` +
            "listens there, or set registry.udp.port",
    );
    assert.equal(
      listenForStatusPolls({ ...plan, explicit: false }, (line) => lines.push(line)),
      undefined,
    );
  } finally {
    taken.close();
  }
  assert.deepEqual(lines, [
    `Warning: Go edge nodes cannot poll this node: 127.0.0.1:${plan.port} (registry.udp.port) is in use`,
  ]);
});

Deno.test("UdpStatusResponder answers registered hosts as Go reads it, nobody else, until closed", async () => {
  const peers: Peer[] = [
    {
      id: "go",
      url: "http://127.0.0.1:1323",
      area: "ROME",
      cloud: false,
      updatedAt: 0,
      reachable: true,
    },
  ];
  const socket = listenForStatusPolls(
    { hostname: "127.0.0.1", port: 0, explicit: true },
    () => {},
  )!;
  const responder = new UdpStatusResponder(socket, {
    figures: () => ({
      Url: "http://127.0.0.1:4000",
      AvailableWarmContainers: { hello: 1 },
      AvailableMemMB: 512,
      AvailableCPUs: 2,
      DropCount: 0,
    }),
    gate: new UdpSourceGate({ area: "ROME", peers: () => peers }),
  });
  const { port } = responder.addr;
  const poll = (from: string) => goUdpStatusRequest({ hostname: "127.0.0.1", port, from });
  try {
    assert.deepEqual(await poll("127.0.0.1"), {
      Url: "http://127.0.0.1:4000",
      AvailableWarmContainers: { hello: 1 },
      AvailableMemMB: 512,
      AvailableCPUs: 2,
      DropCount: 0,
      Coordinates: { Vec: [0, 0, 0], Error: 1.5, Adjustment: 0, Height: 1e-5 },
    });
    assert.equal(await poll("127.0.0.2"), undefined, "an unregistered source gets nothing");
    assert.ok(await poll("127.0.0.1"), "and the responder still answers the registered one");
  } finally {
    await responder.close();
  }
  assert.equal(await poll("127.0.0.1"), undefined, "a closed responder answers nobody");
  // Its port is free again.
  Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port }).close();
});
