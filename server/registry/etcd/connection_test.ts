import assert from "node:assert/strict";
import { etcdHost } from "./connection.ts";

Deno.test("etcdHost() accepts host:port and http(s) URLs", () => {
  assert.equal(etcdHost("127.0.0.1:2379"), "127.0.0.1:2379");
  assert.equal(etcdHost(" localhost:1234 "), "localhost:1234");
  assert.equal(etcdHost("http://127.0.0.1:2379/"), "127.0.0.1:2379");
  assert.equal(etcdHost("https://etcd.example:2379"), "https://etcd.example:2379");
  assert.equal(etcdHost("127.0.0.1"), "127.0.0.1:2379");
  for (const bad of ["", "ftp://h:1", "http://h:1/path", "h:port"]) {
    assert.throws(() => etcdHost(bad), TypeError, bad);
  }
});
