import assert from "node:assert/strict";
import { goNodeKey, goNodePlace, goNodeUrl, parseGoNode } from "./go_node_records.ts";

Deno.test("goNodeKey() puts edges under registry/<area>/, clouds under registry/cloud/<area>/", () => {
  const edge = { Id: "e1", Url: "http://10.0.0.1:1323", Area: "ROME", Cloud: false };
  assert.equal(goNodeKey(edge), "registry/ROME/e1");
  assert.equal(goNodeKey({ ...edge, Cloud: true }), "registry/cloud/ROME/e1");
});

Deno.test("goNodePlace() reads edges and clouds, and skips balancers and other keys", () => {
  assert.deepEqual(goNodePlace("registry/ROME/abc"), { Id: "abc", Area: "ROME", Cloud: false });
  assert.deepEqual(goNodePlace("registry/cloud/ROME/abc"), {
    Id: "abc",
    Area: "ROME",
    Cloud: true,
  });
  for (
    const key of [
      "registry/ROME/__lb/lb1", // serverledge-faas's load balancer
      "registry/cloud/__lb/lb1",
      "registry/ROME/",
      "registry//abc",
      "registry/ROME/edge/abc/more",
      "registry/ROME",
      "/registry/ROME/edge/abc", // our layout
      "async/abc",
    ]
  ) {
    assert.equal(goNodePlace(key), undefined, key);
  }
});

Deno.test("goNodeUrl() reads the values of each Go release", () => {
  assert.equal(goNodeUrl("http://10.0.0.5:1323"), "http://10.0.0.5:1323");
  assert.equal(goNodeUrl("https://cloud.example:8443/"), "https://cloud.example:8443");
  assert.equal(goNodeUrl("10.0.0.5;1323;9876"), "http://10.0.0.5:1323");
  assert.equal(goNodeUrl("fd00::5;1323;9876"), "http://[fd00::5]:1323");
  assert.equal(
    goNodeUrl('{"NodeAddress":"http://10.0.0.5:1323","RegistryAddress":"http://10.0.0.5:9876"}'),
    "http://10.0.0.5:1323",
  );
  for (
    const value of [
      "",
      "10.0.0.5:1323",
      "ftp://10.0.0.5",
      "10.0.0.5;port;9876",
      "10.0.0.5;70000;9876",
      "10.0.0.5",
      '{"RegistryAddress":"http://10.0.0.5:9876"}',
      "{not json",
    ]
  ) {
    assert.equal(goNodeUrl(value), undefined, value);
  }
});

Deno.test("parseGoNode() gives the record of a Go node, or nothing", () => {
  assert.deepEqual(parseGoNode("registry/cloud/PARIS/g1", "10.0.0.7;1324;9876"), {
    Id: "g1",
    Url: "http://10.0.0.7:1324",
    Area: "PARIS",
    Cloud: true,
  });
  assert.equal(parseGoNode("registry/PARIS/g1", "garbage"), undefined);
  assert.equal(parseGoNode("registry/PARIS/__lb/g1", "http://10.0.0.7:1324"), undefined);
});
