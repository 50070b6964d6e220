import assert from "node:assert/strict";
import { unsharedRegistryNotice } from "./unshared_registry.ts";

Deno.test("a cloud without etcd gets a one-line notice naming the fix", () => {
  const notice = unsharedRegistryNotice({
    cloudServerUrl: "http://127.0.0.1:1324",
    etcd: { address: "" },
  }) ?? "";
  assert.match(notice, /"etcd\.address"/);
  assert.match(notice, /http:\/\/127\.0\.0\.1:1324/);
  assert.doesNotMatch(notice, /\n/);
});

Deno.test("no notice with etcd or without a cloud", () => {
  assert.equal(
    unsharedRegistryNotice({
      cloudServerUrl: "http://127.0.0.1:1324",
      etcd: { address: "127.0.0.1:2379" },
    }),
    undefined,
  );
  assert.equal(unsharedRegistryNotice({ cloudServerUrl: "", etcd: { address: "" } }), undefined);
});
