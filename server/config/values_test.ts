import assert from "node:assert/strict";
import { toml, yaml } from "../testing/config.ts";
import { ConfigError } from "./error.ts";

function assertConfigError(fn: () => unknown, key: string, ...parts: string[]) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.key, key);
    assert.match(error.message, new RegExp(`^Config key "${key.replaceAll(".", "\\.")}" must be `));
    for (const part of parts) assert.ok(error.message.includes(part), error.message);
    return true;
  });
}

Deno.test("a bad value of each type names the key, the value and what was expected", () => {
  assertConfigError(
    () => yaml("api.port: abc"),
    "api.port",
    'must be an integer from 1 to 65535, got "abc" (from "test.yaml")',
  );
  assertConfigError(() => yaml("api.port: 70000"), "api.port", "got 70000");
  assertConfigError(() => yaml("api.port: 13.5"), "api.port", "got 13.5");
  assertConfigError(
    () => yaml("", { SERVERLEDGE_API_PORT: "12a" }),
    "api.port",
    'got "12a" (from SERVERLEDGE_API_PORT)',
  );
  assertConfigError(() => yaml("container.expiration: 0"), "container.expiration", "positive");
  assertConfigError(
    () => yaml("scheduler.queue.capacity: -1"),
    "scheduler.queue.capacity",
    "a non-negative integer, got -1",
  );
  assertConfigError(
    () => yaml("container.pool.cpus: 0"),
    "container.pool.cpus",
    "a positive number, got 0",
  );
  assertConfigError(() => yaml("container.pool.cpus: lots"), "container.pool.cpus", '"lots"');
  assertConfigError(() => yaml("cloud: yes"), "cloud", 'true or false, got "yes"');
  assertConfigError(() => yaml("", { SERVERLEDGE_CLOUD: "maybe" }), "cloud", '"maybe"');
  assertConfigError(
    () => yaml("cloud.server.url: ftp://x"),
    "cloud.server.url",
    'an http:// or https:// URL (or empty), got "ftp://x"',
  );
  assertConfigError(() => yaml("cloud.server.url: not a url"), "cloud.server.url");
  assertConfigError(
    () => yaml("scheduler.policy: fastest"),
    "scheduler.policy",
    'one of "default", "localonly", "edgeonly", "cloudonly", "edgecloud", got "fastest"',
  );
  for (const inherited of ["constructor", "toString", "__proto__"]) {
    assertConfigError(() => yaml(`scheduler.policy: ${inherited}`), "scheduler.policy");
  }
  assertConfigError(() => yaml("api.ip: [1, 2]"), "api.ip", "got [1,2]");
  assertConfigError(() => yaml('api.ip: ""'), "api.ip", 'got ""');
  assertConfigError(() => yaml("node.id: has space"), "node.id", '"has space"');
  assertConfigError(() => yaml("api:\n  port:\n    value: 1\n"), "api.port", 'got {"value":1}');
  assertConfigError(() => toml('"registry.ttl" = "soon"'), "registry.ttl", '"soon"');
});

Deno.test("numeric and boolean strings are accepted", () => {
  const c = yaml(
    'api.port: "1400"\ncontainer.pool.cpus: "0.25"\ncloud: "TRUE"\nmetrics.enabled: "false"\n',
  );
  assert.equal(c.api.port, 1400);
  assert.equal(c.pool.cpus, 0.25);
  assert.equal(c.cloud, true);
  assert.equal(c.metricsEnabled, false);
  assert.equal(yaml("registry.area: 42").registry.area, "42");
});

Deno.test("the etcd credentials are read from the file or the environment", () => {
  const c = yaml(
    'etcd:\n  username: node\n  password: " s3cret "\n  tls:\n    ca: /etc/ca.pem\n' +
      "etcd.tls.cert: cert.pem\netcd.tls.key: key.pem\n",
  );
  assert.deepEqual(c.etcd, {
    address: "",
    username: "node",
    password: " s3cret ", // taken as written: a password may start or end with a space
    tls: { ca: "/etc/ca.pem", cert: "cert.pem", key: "key.pem" },
  });
  const fromEnv = yaml("etcd.password: in-file\n", { SERVERLEDGE_ETCD_PASSWORD: "from env " });
  assert.equal(fromEnv.etcd.password, "from env ");
  assert.equal(yaml("etcd.password: 1234").etcd.password, "1234");
  assertConfigError(() => yaml("etcd.password: [1]"), "etcd.password", "a password (or empty)");
});

Deno.test("lists are read from YAML and TOML lists and from comma-separated strings", () => {
  const fromYaml = yaml("api.hosts:\n  - node1.example\n  - 10.0.0.5\n  - '[fd00::1]'\n");
  assert.deepEqual(fromYaml.http.hosts, ["node1.example", "10.0.0.5", "[fd00::1]"]);
  const fromToml = toml('"api.cors.origins" = ["https://app.example", "http://10.0.0.7:8080"]');
  assert.deepEqual(fromToml.http.corsOrigins, ["https://app.example", "http://10.0.0.7:8080"]);
  const fromEnv = yaml("", { SERVERLEDGE_API_HOSTS: " a.example, ,b.example " });
  assert.deepEqual(fromEnv.http.hosts, ["a.example", "b.example"]);
  assert.deepEqual(yaml("api.hosts: ''").http.hosts, []);
  assertConfigError(() => yaml("api.hosts: node1.example:1323"), "api.hosts", "without port");
  assertConfigError(() => yaml("api.hosts: [1, 2]"), "api.hosts", "got [1,2]");
  assertConfigError(
    () => yaml("api.cors.origins: app.example"),
    "api.cors.origins",
    'web origins such as https://app.example (a list, or comma-separated), got "app.example"',
  );
});
