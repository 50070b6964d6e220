import assert from "node:assert/strict";
import { isLoopbackAddress } from "./loopback.ts";

Deno.test("isLoopbackAddress: loopback in every spelling, nothing else", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"]) {
    assert.equal(isLoopbackAddress(host), true, host);
  }
  assert.equal(isLoopbackAddress("::ffff:127.0.0.1"), true, "IPv4-mapped loopback");
  for (
    const host of [
      "0.0.0.0",
      "::",
      "[::]",
      "10.0.0.5",
      "192.168.1.2",
      "172.17.0.1",
      "::ffff:10.0.0.1",
      "fe80::1",
      "myhost",
      "127.example.com",
      "128.0.0.1",
    ]
  ) {
    assert.equal(isLoopbackAddress(host), false, host);
  }
});
