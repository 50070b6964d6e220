import assert from "node:assert/strict";
import { join } from "node:path";
import { UnavailableError } from "../errors.ts";
import { tempDir } from "../testing/registry_fixtures.ts";
import { EmbeddedRegistry } from "./embedded.ts";

Deno.test("EmbeddedRegistry.open() creates the directory and the file", async () => {
  await using dir = await tempDir();
  const nested = join(dir.path, "a", "b");
  await using registry = await EmbeddedRegistry.open(nested);
  assert.equal(registry.kind, "embedded");
  assert.equal(registry.path, join(nested, "registry.kv"));
  assert.ok((await Deno.stat(registry.path)).isFile);
});

Deno.test("EmbeddedRegistry fails with UnavailableError when the file cannot be used", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "file");
  await Deno.writeTextFile(file, "");
  const error = await EmbeddedRegistry.open(join(file, "sub")).catch((error) => error);
  assert.ok(error instanceof UnavailableError);
  assert.equal(error.status, 503);
  assert.match(error.message, /^Registry "embedded" at ".*registry\.kv" is unavailable: /);

  const registry = await EmbeddedRegistry.open(dir.path);
  await registry.close();
  await assert.rejects(registry.functions.list(), UnavailableError);
});
