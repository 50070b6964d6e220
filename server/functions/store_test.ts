import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import type { ExecutorInitBody } from "../../protocol/executor.ts";
import type { FunctionDefinition } from "../../protocol/function.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { EmbeddedRegistry } from "../registry/embedded.ts";
import { definition, eventually } from "../testing/registry_contract.ts";
import { CodeChecker } from "./code_checker.ts";
import { FunctionStore } from "./store.ts";

const CODE = "def handler(params, context):\n    return 1\n";
const LIMITS = { poolMemoryMB: 1024, poolCpus: 2, codeBytes: 1 << 20, defaultTimeout: 60 };

/**
 * A store on an embedded registry of its own, with the lines it logged and the stored
 * definitions its checker was asked to check.
 */
async function openStore() {
  const dir = await Deno.makeTempDir({ prefix: "store-test-" });
  const registry = await EmbeddedRegistry.open(dir);
  const logged: string[] = [];
  const checker = new CodeChecker();
  const storedChecks: string[] = [];
  const checkStored = checker.checkStored.bind(checker);
  checker.checkStored = (definition, codeBytes) => {
    storedChecks.push(definition.Name);
    return checkStored(definition, codeBytes);
  };
  const store = await FunctionStore.open(registry, {
    codeBytes: LIMITS.codeBytes,
    checker,
    log: (line) => logged.push(line),
  });
  return {
    registry,
    store,
    checker,
    logged,
    storedChecks,
    async [Symbol.asyncDispose]() {
      store.close();
      checker.close();
      await registry.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A stored definition of `name` whose code holds `hello.py`. */
function stored(name: string, changes: Partial<FunctionDefinition> = {}): FunctionDefinition {
  const tar = encodeBase64(writeTar([{ name: "hello.py", data: CODE }]));
  return definition(name, { Handler: "hello.handler", TarFunctionCode: tar, ...changes });
}

/** The files a deployed function would push to a new container. */
function initFiles(store: FunctionStore, name: string): { Path: string; Data: string }[] {
  const code = store.get(name)?.pool.code;
  assert.ok(code, `function "${name}" is served`);
  return (JSON.parse(new TextDecoder().decode(code.initBody)) as ExecutorInitBody).Files;
}

Deno.test("a function written to the registry by another node is checked once and served ready", async () => {
  await using s = await openStore();
  await s.registry.functions.create(stored("remote"));
  await eventually(() => s.store.get("remote") !== undefined);
  assert.deepEqual(initFiles(s.store, "remote"), [
    { Path: "hello.py", Mode: 0o644, Data: encodeBase64(new TextEncoder().encode(CODE)) },
  ]);
  const fn = s.store.get("remote")!;
  assert.equal(fn.pool.image, "serverledge-python311");
  assert.equal("TarFunctionCode" in fn.definition, false, "the code is not kept twice");
  assert.deepEqual(s.logged, []);
  assert.deepEqual(s.storedChecks, ["remote"]);
});

Deno.test("a function in the registry that fails the checks is not served, and says why", async () => {
  await using s = await openStore();
  await s.registry.functions.create(stored("broken", { Handler: "missing.handler" }));
  await s.registry.functions.create(stored("garbled", { TarFunctionCode: "not base64!" }));
  await eventually(() => s.logged.length === 2);
  assert.equal(s.store.get("broken"), undefined);
  assert.equal(s.store.get("garbled"), undefined);
  assert.match(s.logged.join("\n"), /"broken" from the registry: Handler "missing.handler" needs/);
  assert.match(s.logged.join("\n"), /"garbled" from the registry: .*not valid base64/);
});

Deno.test("a create is served at once with the code checked for it, not checked again", async () => {
  await using s = await openStore();
  const changes: string[] = [];
  s.store.onChange((name) => changes.push(name));
  const body = new TextEncoder().encode(JSON.stringify({
    Name: "local",
    Runtime: "python310",
    MemoryMB: 64,
    Handler: "hello.handler",
    TarFunctionCode: stored("x").TarFunctionCode,
  }));
  const checked = await s.checker.checkBody([body], LIMITS);
  await s.store.create(checked);
  assert.deepEqual(s.storedChecks, [], "its own registry event was not checked again");
  assert.equal(initFiles(s.store, "local")[0].Path, "hello.py");
  assert.deepEqual(s.store.list().map((f) => f.Name), ["local"]);
  assert.equal("TarFunctionCode" in s.store.list()[0], false);
  await s.store.delete("local");
  assert.equal(s.store.get("local"), undefined);
  assert.deepEqual(changes, ["local", "local"], "one change for the create, one for the delete");
});
