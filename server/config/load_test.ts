import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine } from "../testing/config.ts";
import { ConfigError } from "./error.ts";
import type { Config } from "./keys.ts";
import { findConfigFile, loadConfig } from "./load.ts";

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
  const dir = fileURLToPath(new URL("../../examples/", import.meta.url));
  const fromYaml = await loadConfig({ ...options, path: join(dir, "serverledge-conf.yaml") });
  const fromToml = await loadConfig({ ...options, path: join(dir, "serverledge-conf.toml") });
  assert.deepEqual(fromYaml.warnings, []);
  assert.deepEqual(fromToml.warnings, []);
  // The same keys set, each by its own file.
  const keysSet = (c: Config) => Object.keys(c.setBy).sort();
  assert.deepEqual(
    { ...fromToml, source: "", setBy: keysSet(fromToml) },
    { ...fromYaml, source: "", setBy: keysSet(fromYaml) },
  );
  assert.equal(fromYaml.pool.memoryMB, 4096);
});
