import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CONFIG_KEYS,
  ConfigError,
  defaultConfig,
  describeConfigKeys,
  findConfigFile,
  loadConfig,
  type MachineInfo,
  parseConfig,
} from "./config.ts";

const machine: MachineInfo = { hostname: "edge1", memoryMB: 8192, cpus: 4 };
const cwd = "/srv/node";

function yaml(text: string, env: Record<string, string> = {}) {
  return parseConfig(text, "yaml", "test.yaml", { machine, cwd, env });
}

function toml(text: string) {
  return parseConfig(text, "toml", "test.toml", { machine, cwd });
}

function assertConfigError(fn: () => unknown, key: string, ...parts: string[]) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.key, key);
    assert.match(error.message, new RegExp(`^Config key "${key.replaceAll(".", "\\.")}" must be `));
    for (const part of parts) assert.ok(error.message.includes(part), error.message);
    return true;
  });
}

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
  assert.deepEqual(c.pool, { memoryMB: 4096, cpus: 4, blankPerRuntime: 1 });
  assert.deepEqual(c.container, { expiration: 600, timeout: 60 });
  assert.equal(c.janitor.interval, 60);
  assert.equal(c.factory.refreshImages, false);
  assert.deepEqual(c.registry, {
    area: "ROME",
    ttl: 20,
    udpPort: 9876,
    nearbyInterval: 30,
    monitoringInterval: 60,
  });
  assert.deepEqual(c.scheduler, { policy: "default", queueCapacity: 0 });
  assert.equal(c.metricsEnabled, true);
  assert.equal(c.async.ttl, 86400);
  assert.deepEqual(c.limits, { bodyBytes: 32 * 1024 * 1024, codeBytes: 64 * 1024 * 1024 });
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
  assert.deepEqual(c.pool, { memoryMB: 3072, cpus: 1.5, blankPerRuntime: 1 });
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
  assert.deepEqual(c.pool, { memoryMB: 2048, cpus: 4, blankPerRuntime: 1 });
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
  assert.deepEqual(c.pool, { memoryMB: 2048, cpus: 2.5, blankPerRuntime: 1 });
  assert.equal(c.scheduler.policy, "cloudonly");
  assert.deepEqual(c.warnings, []);
});

Deno.test("every key has its own environment variable", () => {
  const names = new Set(CONFIG_KEYS.map((k) => k.env));
  assert.equal(names.size, CONFIG_KEYS.length);
  for (const k of CONFIG_KEYS) {
    assert.equal(k.env, `SERVERLEDGE_${k.name.toUpperCase().replaceAll(".", "_")}`);
  }
});

Deno.test("an unknown environment variable is a warning", () => {
  const c = yaml("", { SERVERLEDGE_API_PROT: "1" });
  assert.deepEqual(c.warnings, ["Ignoring unknown environment variable SERVERLEDGE_API_PROT"]);
});

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

Deno.test("unknown keys are warnings, with a hint for typos", () => {
  const c = yaml("api.prot: 1\ncache.size: 100\nfoo:\n  bar: 1\n");
  assert.equal(c.api.port, 1323);
  assert.deepEqual(c.warnings, [
    'Ignoring unknown config key "api.prot" in "test.yaml": did you mean "api.port"?',
    'Ignoring config key "cache.size" in "test.yaml": this node does not use it',
    'Ignoring unknown config key "foo.bar" in "test.yaml"',
  ]);
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

Deno.test("describeConfigKeys() is a Markdown table with one row per key", () => {
  const table = describeConfigKeys();
  const lines = table.trimEnd().split("\n");
  assert.equal(lines.length, CONFIG_KEYS.length + 2);
  assert.match(lines[0], /^\| Key \| Environment variable \|/);
  for (const key of CONFIG_KEYS) {
    assert.ok(table.includes(`| \`${key.name}\` | \`${key.env}\` |`), key.name);
  }
  assert.ok(
    table.includes("| `api.port` | `SERVERLEDGE_API_PORT` | an integer from 1 to 65535 | `1323` |"),
  );
  assert.ok(table.includes("half the machine's memory"));
});

async function withDirs(
  fn: (dirs: { etc: string; home: string; cwd: string }) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "config_test_" });
  const dirs = { etc: join(root, "etc"), home: join(root, "home"), cwd: join(root, "work") };
  try {
    for (const dir of Object.values(dirs)) await Deno.mkdir(dir);
    await fn(dirs);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("loadConfig() searches /etc/serverledge, then $HOME, then the working directory", async () => {
  await withDirs(async ({ etc, home, cwd }) => {
    const options = { etcDir: etc, home, cwd, env: {}, machine };
    let c = await loadConfig(options);
    assert.equal(c.source, "defaults");
    assert.equal(c.api.port, 1323);

    await Deno.writeTextFile(join(cwd, "serverledge-conf.toml"), '"api.port" = 1003\n');
    c = await loadConfig(options);
    assert.equal(c.source, join(cwd, "serverledge-conf.toml"));
    assert.equal(c.api.port, 1003);

    await Deno.writeTextFile(join(cwd, "serverledge-conf.yaml"), "api.port: 1004\n");
    assert.equal((await loadConfig(options)).api.port, 1004, "YAML wins over TOML");

    await Deno.writeTextFile(join(home, "serverledge-conf.toml"), "[api]\nport = 1002\n");
    c = await loadConfig(options);
    assert.equal(c.source, join(home, "serverledge-conf.toml"));
    assert.equal(c.api.port, 1002);

    await Deno.writeTextFile(join(etc, "serverledge-conf.yml"), "api:\n  port: 1001\n");
    c = await loadConfig(options);
    assert.equal(c.source, join(etc, "serverledge-conf.yml"));
    assert.equal(c.api.port, 1001);

    const viaEnvHome = await findConfigFile({
      etcDir: join(etc, "none"),
      cwd,
      env: { HOME: home },
    });
    assert.equal(viaEnvHome, join(home, "serverledge-conf.toml"));
  });
});

Deno.test("loadConfig() reads an explicit path and applies the environment", async () => {
  await withDirs(async ({ etc, cwd }) => {
    await Deno.writeTextFile(join(etc, "serverledge-conf.yaml"), "api.port: 1001\n");
    await Deno.writeTextFile(join(cwd, "node2.toml"), '"api.port" = 1500\n"registry.ttl" = 5\n');
    await Deno.writeTextFile(join(cwd, "node3.conf"), "api.port: 1600\n");
    const options = { etcDir: etc, cwd, machine };

    let c = await loadConfig({ ...options, path: "node2.toml", env: {} });
    assert.equal(c.source, join(cwd, "node2.toml"));
    assert.equal(c.api.port, 1500);
    assert.equal(c.registry.ttl, 5);

    c = await loadConfig({
      ...options,
      path: "node3.conf",
      env: { SERVERLEDGE_REGISTRY_TTL: "7" },
    });
    assert.equal(c.api.port, 1600, "an unknown extension is read as YAML");
    assert.equal(c.registry.ttl, 7);

    c = await loadConfig({ ...options, env: { SERVERLEDGE_API_PORT: "1700" } });
    assert.equal(c.source, join(etc, "serverledge-conf.yaml"));
    assert.equal(c.api.port, 1700);
  });
});

Deno.test("loadConfig() with a missing explicit path names it", async () => {
  await withDirs(async ({ cwd }) => {
    const missing = join(cwd, "nope.yaml");
    await assert.rejects(
      loadConfig({ path: "nope.yaml", cwd, env: {}, machine }),
      (e: unknown) =>
        e instanceof ConfigError && e.message === `Config file "${missing}" does not exist`,
    );
    await assert.rejects(
      loadConfig({ path: cwd, cwd, env: {}, machine }),
      (e: unknown) => e instanceof ConfigError && e.message.includes(`"${cwd}"`),
    );
  });
});

Deno.test("loadConfig() reports bad values with the file's path", async () => {
  await withDirs(async ({ cwd }) => {
    const path = join(cwd, "serverledge-conf.yaml");
    await Deno.writeTextFile(path, "janitor.interval: often\n");
    await assert.rejects(
      loadConfig({ etcDir: join(cwd, "x"), home: cwd, cwd, env: {}, machine }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Config key "janitor.interval" must be a positive integer, got "often" (from "${path}")`,
    );
  });
});

Deno.test("the example configs load without warnings and agree", async () => {
  const options = { cwd: "/srv/node", env: {}, machine };
  const dir = fileURLToPath(new URL("../examples/", import.meta.url));
  const fromYaml = await loadConfig({ ...options, path: join(dir, "serverledge-conf.yaml") });
  const fromToml = await loadConfig({ ...options, path: join(dir, "serverledge-conf.toml") });
  assert.deepEqual(fromYaml.warnings, []);
  assert.deepEqual(fromToml.warnings, []);
  assert.deepEqual({ ...fromToml, source: "" }, { ...fromYaml, source: "" });
  assert.equal(fromYaml.pool.memoryMB, 4096);
});
