import assert from "node:assert/strict";
import { yaml } from "../testing/config.ts";
import { unsharedRegistryNotice } from "./unshared_registry.ts";

Deno.test("a cloud URL without etcd gets a one-line notice naming the fix", () => {
  const notice = unsharedRegistryNotice(yaml("cloud.server.url: http://127.0.0.1:1324\n")) ?? "";
  assert.match(notice, /^Warning: "cloud\.server\.url" \(http:\/\/127\.0\.0\.1:1324\) is set/);
  assert.match(notice, /not with http:\/\/127\.0\.0\.1:1324/);
  assert.match(notice, /set "etcd\.address" \(e\.g\. localhost:2379/);
  assert.doesNotMatch(notice, /\n/);
});

Deno.test("an area set in the file or the environment without etcd gets the notice", () => {
  for (
    const config of [
      yaml("registry.area: ROME\n"),
      yaml("", { SERVERLEDGE_REGISTRY_AREA: "ROME" }),
    ]
  ) {
    const notice = unsharedRegistryNotice(config) ?? "";
    assert.match(notice, /^Warning: "registry\.area" \(ROME\) is set but "etcd\.address" is not/);
    assert.match(notice, /no neighbour or cloud node is found/);
    assert.doesNotMatch(notice, /\n/);
  }
});

Deno.test("a cloud node set without etcd gets the notice; everything named is in one line", () => {
  assert.match(
    unsharedRegistryNotice(yaml("cloud: true\n")) ?? "",
    /^Warning: "cloud" \(true\) is/,
  );
  const all = unsharedRegistryNotice(
    yaml("cloud: true\nregistry.area: PARIS\ncloud.server.url: http://127.0.0.1:1326\n"),
  ) ?? "";
  assert.match(
    all,
    /^Warning: "cloud\.server\.url" \(http:\/\/127\.0\.0\.1:1326\), "registry\.area" \(PARIS\) and "cloud" \(true\) are set but/,
  );
  assert.doesNotMatch(all, /\n/);
});

Deno.test("a policy that offloads, set without etcd or cloud URL, gets the notice", () => {
  const notice = unsharedRegistryNotice(yaml("scheduler.policy: QoSAwareEdgeCloud\n")) ?? "";
  assert.match(notice, /^Warning: "scheduler\.policy" \(edgecloud\) is set but "etcd\.address"/);
  assert.equal(unsharedRegistryNotice(yaml("scheduler.policy: localonly\n")), undefined);
  const withUrl = "scheduler.policy: cloudonly\ncloud.server.url: http://127.0.0.1:1326\n";
  assert.doesNotMatch(unsharedRegistryNotice(yaml(withUrl)) ?? "", /scheduler\.policy/);
});

Deno.test("no notice with etcd, nor for defaults alone", () => {
  const deployment = "cloud: true\nregistry.area: ROME\ncloud.server.url: http://127.0.0.1:1324\n" +
    "scheduler.policy: edgeonly\n";
  assert.equal(
    unsharedRegistryNotice(yaml(`${deployment}etcd.address: 127.0.0.1:2379\n`)),
    undefined,
  );
  assert.equal(
    unsharedRegistryNotice(yaml(deployment, { SERVERLEDGE_ETCD_ADDRESS: "127.0.0.1:2379" })),
    undefined,
  );
  assert.equal(unsharedRegistryNotice(yaml("")), undefined);
  assert.equal(unsharedRegistryNotice(yaml("api.port: 1400\ncloud: false\n")), undefined);
  assert.equal(unsharedRegistryNotice(yaml("registry.area:\n")), undefined);
});
