import assert from "node:assert/strict";
import type { Peer } from "./peer.ts";
import { REFILL_MS, REPLY_BURST, UdpSourceGate } from "./udp_gate.ts";

function peer(url: string, area = "ROME", cloud = false): Peer {
  return { id: url, url, area, cloud, updatedAt: 0, reachable: true };
}

Deno.test("UdpSourceGate admits only the hosts of the area's edge nodes", () => {
  let peers = [
    peer("http://10.0.0.7:1323"),
    peer("http://10.0.0.8:1323", "PARIS"),
    peer("http://10.0.0.9:1323", "ROME", true),
    peer("http://[fd00::7]:1323"),
  ];
  const gate = new UdpSourceGate({ area: "ROME", peers: () => peers });
  assert.equal(gate.admits("10.0.0.7"), true);
  assert.equal(gate.admits("::ffff:10.0.0.7"), true, "an IPv4-mapped source is its IPv4 host");
  assert.equal(gate.admits("fd00::7"), true);
  assert.equal(gate.admits("10.0.0.8"), false, "another area");
  assert.equal(gate.admits("10.0.0.9"), false, "a cloud node");
  assert.equal(gate.admits("10.0.0.6"), false, "not registered");
  // The view changes: a node that deregistered is not answered any more.
  peers = peers.slice(1);
  assert.equal(gate.admits("10.0.0.7"), false);
});

Deno.test("UdpSourceGate gives a host a burst of replies, then one each refill", () => {
  let now = 1_000_000;
  const gate = new UdpSourceGate({
    area: "ROME",
    peers: () => [peer("http://10.0.0.7:1323"), peer("http://10.0.0.8:1323")],
    now: () => now,
  });
  for (let i = 0; i < REPLY_BURST; i++) assert.equal(gate.admits("10.0.0.7"), true, `reply ${i}`);
  assert.equal(gate.admits("10.0.0.7"), false, "the burst is spent");
  assert.equal(gate.admits("10.0.0.8"), true, "each host has its own");
  now += REFILL_MS - 1;
  assert.equal(gate.admits("10.0.0.7"), false);
  now += 1;
  assert.equal(gate.admits("10.0.0.7"), true, "one more after a refill");
  assert.equal(gate.admits("10.0.0.7"), false);
  now += 100 * REFILL_MS;
  for (let i = 0; i < REPLY_BURST; i++) assert.equal(gate.admits("10.0.0.7"), true);
  assert.equal(gate.admits("10.0.0.7"), false, "a long pause earns no more than a burst");
});
