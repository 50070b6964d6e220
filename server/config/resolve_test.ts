import assert from "node:assert/strict";
import { join } from "node:path";
import { cwd, machine, toml, yaml } from "../testing/config.ts";
import { ConfigError } from "./error.ts";
import { CONFIG_KEYS } from "./keys.ts";
import { defaultConfig } from "./resolve.ts";

Deno.test("defaultConfig() gives every key its documented default", () => {
  const c = defaultConfig({ machine, cwd });
  assert.equal(c.source, "defaults");
  assert.deepEqual(c.warnings, []);
  assert.deepEqual(c.api, { ip: "127.0.0.1", port: 1323 });
  assert.equal(c.etcd.address, "");
  assert.equal(c.dataDir, "/srv/node/.data");
  assert.equal(c.nodeId, "edge1-1323");
  assert.equal(c.cloud, false);
  assert.equal(c.cloudServerUrl, "");
  assert.deepEqual(c.pool, {
    memoryMB: 4096,
    cpus: 4,
    maxBlankPerRuntime: 4,
    floor: 1,
    startParallel: 4,
  });
  assert.deepEqual(c.container, {
    expiration: 600,
    timeout: 60,
    diskMB: 64,
    defaultCpus: 1,
    hostIsolation: true,
  });
  assert.equal(c.janitor.interval, 60);
  assert.equal(c.factory.refreshImages, false);
  assert.deepEqual(c.registry, {
    area: "ROME",
    ttl: 20,
    udpPort: 9876,
    nearbyInterval: 30,
    monitoringInterval: 60,
  });
  assert.deepEqual(c.scheduler, { policy: "default", queueCapacity: 1000, queueMaxWait: 10 });
  assert.equal(c.metricsEnabled, true);
  assert.equal(c.async.ttl, 86400);
  assert.deepEqual(c.limits, { bodyBytes: 32 * 1024 * 1024, codeBytes: 64 * 1024 * 1024 });
  assert.deepEqual(c.http, {
    bodyBudgetBytes: 256 * 1024 * 1024,
    hosts: [],
    corsOrigins: [],
    headerTimeout: 10,
    idleTimeout: 10,
    bodyTimeout: 120,
  });
  for (const key of CONFIG_KEYS) {
    if (key.default !== undefined) assert.equal(c.values[key.name], key.default, key.name);
  }
});

Deno.test({
  name: "defaultConfig() reads machine facts from Deno when not given",
  ignore: Deno.permissions.querySync({ name: "sys" }).state !== "granted",
}, () => {
  const c = defaultConfig();
  assert.ok(Number.isInteger(c.pool.memoryMB) && c.pool.memoryMB > 0);
  assert.equal(c.pool.cpus, navigator.hardwareConcurrency);
  assert.equal(c.nodeId, `${Deno.hostname()}-1323`);
  assert.equal(c.dataDir, join(Deno.cwd(), ".data"));
});

Deno.test("the config is deeply frozen", () => {
  const c = defaultConfig({ machine });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.api) && Object.isFrozen(c.warnings));
  assert.ok(Object.isFrozen(c.values));
  assert.throws(() => {
    (c.api as { port: number }).port = 1;
  }, TypeError);
});

Deno.test("flat YAML keys, as in Serverledge's examples", () => {
  const c = yaml(`
api.port: 1326
etcd.address: 127.0.0.1:2379
registry.udp.port: 9877
container.pool.memory: 3072
container.pool.cpus: 1.5
scheduler.policy: edgeonly
cloud.server.url: http://10.0.0.5:1323/
`);
  assert.equal(c.source, "test.yaml");
  assert.equal(c.api.port, 1326);
  assert.equal(c.etcd.address, "127.0.0.1:2379");
  assert.equal(c.registry.udpPort, 9877);
  assert.deepEqual(c.pool, {
    memoryMB: 3072,
    cpus: 1.5,
    maxBlankPerRuntime: 4,
    floor: 1,
    startParallel: 4,
  });
  assert.equal(c.scheduler.policy, "edgeonly");
  assert.equal(c.cloudServerUrl, "http://10.0.0.5:1323");
  assert.equal(c.nodeId, "edge1-1326");
  assert.deepEqual(c.warnings, []);
});

Deno.test("nested YAML keys", () => {
  const c = yaml(`
metrics:
  enabled: false
container:
  pool:
    cpus: 4
    memory: 2048
  expiration: 30
api:
  port: 1325
cloud: true
registry:
  area: MILAN
  udp:
    port: 9878
`);
  assert.equal(c.metricsEnabled, false);
  assert.deepEqual(c.pool, {
    memoryMB: 2048,
    cpus: 4,
    maxBlankPerRuntime: 4,
    floor: 1,
    startParallel: 4,
  });
  assert.equal(c.container.expiration, 30);
  assert.equal(c.api.port, 1325);
  assert.equal(c.cloud, true);
  assert.equal(c.registry.area, "MILAN");
  assert.equal(c.registry.udpPort, 9878);
});

Deno.test("mixed flat and nested YAML with cloud and cloud.server.url", () => {
  const c = yaml(`
cloud: true
cloud.server.url: https://cloud.example:1323
api:
  port: 1400
container.pool:
  memory: 1024
registry.nearby.interval: 5
`);
  assert.equal(c.cloud, true);
  assert.equal(c.cloudServerUrl, "https://cloud.example:1323");
  assert.equal(c.api.port, 1400);
  assert.equal(c.pool.memoryMB, 1024);
  assert.equal(c.registry.nearbyInterval, 5);

  const nested = yaml("cloud:\n  server:\n    url: http://c:1323\n");
  assert.equal(nested.cloud, false);
  assert.equal(nested.cloudServerUrl, "http://c:1323");
});

Deno.test("key names are case-insensitive and empty values mean the default", () => {
  const c = yaml("API.Port: 1500\netcd.address:\nScheduler:\n  Policy: QoSAwareEdgeCloud\n");
  assert.equal(c.api.port, 1500);
  assert.equal(c.etcd.address, "");
  assert.equal(c.scheduler.policy, "edgecloud");
  assert.equal(yaml("scheduler.policy: qosaware").scheduler.policy, "edgecloud");
});

Deno.test("a key set twice is an error", () => {
  assert.throws(
    () => yaml("api.port: 1\napi:\n  port: 2\n"),
    (e: unknown) =>
      e instanceof ConfigError && e.key === "api.port" &&
      e.message === 'Config key "api.port" is set twice in "test.yaml"',
  );
});

Deno.test("TOML with quoted dotted keys", () => {
  const c = toml(`
"api.port" = 1330
cloud = true
"cloud.server.url" = "http://10.0.0.9:1323"
"container.pool.memory" = 512
"factory.images.refresh" = true
`);
  assert.equal(c.api.port, 1330);
  assert.equal(c.cloud, true);
  assert.equal(c.cloudServerUrl, "http://10.0.0.9:1323");
  assert.equal(c.pool.memoryMB, 512);
  assert.equal(c.factory.refreshImages, true);
});

Deno.test("TOML with tables and dotted bare keys", () => {
  const c = toml(`
cloud = false

[api]
port = 1331
ip = "0.0.0.0"

[container.pool]
cpus = 0.5

[registry]
area = "PARIS"
udp.port = 9990
monitoring.interval = 120

[scheduler]
queue.capacity = 10
`);
  assert.deepEqual(c.api, { ip: "0.0.0.0", port: 1331 });
  assert.equal(c.pool.cpus, 0.5);
  assert.equal(c.registry.area, "PARIS");
  assert.equal(c.registry.udpPort, 9990);
  assert.equal(c.registry.monitoringInterval, 120);
  assert.equal(c.scheduler.queueCapacity, 10);
  assert.equal(c.cloud, false);
});

Deno.test("SERVERLEDGE_* variables override the file", () => {
  const c = yaml("api.port: 1326\ncloud: false\ncontainer.pool.memory: 100\n", {
    SERVERLEDGE_API_PORT: "1400",
    SERVERLEDGE_CLOUD: "true",
    SERVERLEDGE_CLOUD_SERVER_URL: "http://cloud:1323",
    SERVERLEDGE_CONTAINER_POOL_MEMORY: "2048",
    SERVERLEDGE_CONTAINER_POOL_CPUS: "2.5",
    SERVERLEDGE_SCHEDULER_POLICY: "cloudonly",
    SERVERLEDGE_HOST: "ignored-by-the-node",
    PATH: "/usr/bin",
  });
  assert.equal(c.api.port, 1400);
  assert.equal(c.cloud, true);
  assert.equal(c.cloudServerUrl, "http://cloud:1323");
  assert.deepEqual(c.pool, {
    memoryMB: 2048,
    cpus: 2.5,
    maxBlankPerRuntime: 4,
    floor: 1,
    startParallel: 4,
  });
  assert.equal(c.scheduler.policy, "cloudonly");
  assert.deepEqual(c.warnings, []);
});

Deno.test("setBy names where each key set came from, and only those", () => {
  const c = yaml("registry.area: ROME\napi.port: 1326\netcd.address:\nscheduler.version: x\n", {
    SERVERLEDGE_API_PORT: "1400",
    SERVERLEDGE_CLOUD: "true",
  });
  assert.deepEqual(c.setBy, {
    "registry.area": '"test.yaml"',
    "api.port": "SERVERLEDGE_API_PORT",
    cloud: "SERVERLEDGE_CLOUD",
  });
  assert.equal(c.registry.area, "ROME");
  assert.deepEqual(defaultConfig({ machine, cwd }).setBy, {});
});

Deno.test("an unknown environment variable is a warning", () => {
  const c = yaml("", { SERVERLEDGE_API_PROT: "1" });
  assert.deepEqual(c.warnings, ["Ignoring unknown environment variable SERVERLEDGE_API_PROT"]);
});

Deno.test("malformed files are errors naming the file", () => {
  assert.throws(
    () => yaml("api.port: [1, 2"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.startsWith('Cannot parse config file "test.yaml" as YAML:'),
  );
  assert.throws(
    () => toml("api.port = = 1"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.startsWith('Cannot parse config file "test.toml" as TOML:'),
  );
  assert.throws(
    () => yaml("- 1\n- 2\n"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message === 'Config file "test.yaml" must hold a mapping of keys, got [1,2]',
  );
  assert.equal(yaml("# nothing but a comment\n").api.port, 1323);
});

Deno.test("node id: explicit, else <hostname>-<api.port>", () => {
  assert.equal(yaml("node.id: edge-a.1\n").nodeId, "edge-a.1");
  assert.equal(yaml("api.port: 1500\n").nodeId, "edge1-1500");
  assert.equal(yaml("", { SERVERLEDGE_API_PORT: "1600" }).nodeId, "edge1-1600");
  assert.equal(yaml("", { SERVERLEDGE_NODE_ID: "n7" }).nodeId, "n7");
});

Deno.test("data.dir is resolved against the working directory", () => {
  assert.equal(yaml("data.dir: state\n").dataDir, "/srv/node/state");
  assert.equal(yaml("data.dir: /var/lib/serverledge\n").dataDir, "/var/lib/serverledge");
});
