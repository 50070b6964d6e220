import assert from "node:assert/strict";
import { baseUrl, DEFAULT_HOST, DEFAULT_PORT, resolveAddress } from "./address.ts";
import { UsageError } from "./errors.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("resolveAddress prefers options, then the environment, then the defaults", () => {
  assert.deepEqual(resolveAddress({}, env({})), { host: DEFAULT_HOST, port: DEFAULT_PORT });
  const vars = env({ SERVERLEDGE_HOST: "10.0.0.5", SERVERLEDGE_PORT: "1326" });
  assert.deepEqual(resolveAddress({}, vars), { host: "10.0.0.5", port: 1326 });
  assert.deepEqual(resolveAddress({ host: "edge-1", port: "2000" }, vars), {
    host: "edge-1",
    port: 2000,
  });
  assert.deepEqual(resolveAddress({ port: "2000" }, vars), { host: "10.0.0.5", port: 2000 });
  // An empty variable counts as unset.
  assert.deepEqual(resolveAddress({}, env({ SERVERLEDGE_PORT: "" })).port, DEFAULT_PORT);
});

Deno.test("resolveAddress names the option or variable whose value is malformed", () => {
  const cases: [Parameters<typeof resolveAddress>, string][] = [
    [
      [{ port: "http" }, env({})],
      'Option "-port" must be a port number from 1 to 65535, got "http"',
    ],
    [[{ port: "0" }, env({})], 'Option "-port" must be a port number from 1 to 65535, got "0"'],
    [
      [{}, env({ SERVERLEDGE_PORT: "70000" })],
      'Environment variable SERVERLEDGE_PORT must be a port number from 1 to 65535, got "70000"',
    ],
    [
      [{ host: "http://x" }, env({})],
      'Option "-host" must be a host name or an IP address, got "http://x"',
    ],
    [
      [{}, env({ SERVERLEDGE_HOST: "a b" })],
      'Environment variable SERVERLEDGE_HOST must be a host name or an IP address, got "a b"',
    ],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => resolveAddress(...args), new UsageError(message));
  }
});

Deno.test("baseUrl brackets IPv6 hosts", () => {
  assert.equal(baseUrl({ host: "127.0.0.1", port: 1323 }), "http://127.0.0.1:1323");
  assert.equal(baseUrl(resolveAddress({ host: "[::1]" }, env({}))), "http://[::1]:1323");
  assert.equal(baseUrl({ host: "::1", port: 80 }), "http://[::1]:80");
});
