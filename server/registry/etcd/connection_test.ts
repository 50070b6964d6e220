import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { EtcdClientSecurity } from "./client_security.ts";
import { EtcdConnection, etcdHost } from "./connection.ts";

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

Deno.test("EtcdConnection knows whether it uses TLS and whether etcd is on this machine", () => {
  const cases: [string, EtcdClientSecurity | undefined, boolean, boolean][] = [
    ["127.0.0.1:2379", undefined, false, true],
    ["localhost:2379", undefined, false, true],
    ["[::1]:2379", undefined, false, true],
    ["https://127.0.0.2:2379", undefined, true, true],
    ["10.0.0.7:2379", undefined, false, false],
    [
      "http://10.0.0.7:2379",
      { files: {}, credentials: { rootCertificate: Buffer.from("") } },
      true,
      false,
    ],
  ];
  for (const [address, security, tls, loopback] of cases) {
    const connection = new EtcdConnection(address, 1_000, security);
    try {
      assert.equal(connection.tls, tls, address);
      assert.equal(connection.loopback, loopback, address);
    } finally {
      connection.close();
    }
  }
});
