import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import type { ExecutorInitBody } from "../../protocol/executor.ts";
import type { FunctionDefinition } from "../../protocol/function.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { NotFoundError } from "../errors.ts";
import { EmbeddedRegistry } from "../registry/embedded.ts";
import { definition } from "../testing/registry_contract.ts";
import { eventually } from "../testing/until.ts";
import { CodeChecker } from "./code_checker.ts";
import { FunctionStore } from "./store.ts";

const CODE = "def handler(params, context):\n    return 1\n";
const LIMITS = { codeBytes: 1 << 20, defaultTimeout: 60 };

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
  checker.checkStored = (stored, limits) => {
    storedChecks.push((stored as FunctionDefinition).Name);
    return checkStored(stored, limits);
  };
  const store = await FunctionStore.open(registry, {
    limits: LIMITS,
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

Deno.test("a stored definition with a bad field is not served, and an invoke is told why", async () => {
  await using s = await openStore();
  const bad: [string, Partial<FunctionDefinition>, RegExp][] = [
    ["negmem", { MemoryMB: -5 }, /Field "MemoryMB" must be an integer of at least 16, got -5/],
    ["strmem", { MemoryMB: "lots" as unknown as number }, /"MemoryMB" .* got "lots"/],
    ["negcpu", { CPUDemand: -2 }, /Field "CPUDemand" must be a number of at least -1, got -2/],
    ["notime", { Timeout: 0 }, /Field "Timeout" must be an integer from 1 to 3600, got 0/],
    ["nojobs", { MaxConcurrency: 0 }, /"MaxConcurrency" must be an integer from 1 to 1000, got 0/],
    ["image", { CustomImage: "evil" }, /Field "CustomImage" is only for runtime "custom"/],
    ["nover", { Version: 7 as unknown as string }, /Field "Version" must be a non-empty string/],
    ["../x", {}, /Function name "..\/x" is invalid/],
  ];
  for (const [name, changes] of bad) await s.registry.functions.create(stored(name, changes));
  await eventually(() => s.logged.length === bad.length);
  for (const [name, , why] of bad) {
    assert.equal(s.store.get(name), undefined, name);
    assert.match(
      s.logged.join("\n"),
      new RegExp(`"${name.replace(".", "\\.")}" from the registry`),
    );
    assert.throws(
      () => s.store.require(name),
      (error) =>
        error instanceof NotFoundError &&
        error.message.startsWith(
          `Function "${name}" is not served, as its stored definition is invalid (`,
        ) && why.test(error.message) &&
        error.message.endsWith("replace it with POST /update or remove it with POST /delete"),
      name,
    );
  }
  assert.deepEqual(s.store.list(), []);
  assert.throws(() => s.store.require("absent"), {
    name: "NotFoundError",
    message: 'Function "absent" does not exist',
  });

  await s.registry.functions.update(stored("negmem", { MemoryMB: 64 }));
  await eventually(() => s.store.get("negmem") !== undefined);
  assert.equal(s.store.require("negmem").pool.memoryMB, 64, "a fixed definition is served");
  await s.registry.functions.delete("notime");
  await eventually(() =>
    /does not exist/.test(String(catchError(() => s.store.require("notime"))))
  );
});

Deno.test("a stored definition keeps its Version and Runtime, and is not bound by this pool", async () => {
  await using s = await openStore();
  const alias = stored("alias", { Runtime: "python310", Version: "v7" });
  await s.registry.functions.create(alias);
  const big = stored("big", { MemoryMB: 4096, CPUDemand: 8 });
  await s.registry.functions.create(big);
  const { Version: _, ...unversioned } = stored("unversioned");
  await s.registry.functions.create(unversioned as FunctionDefinition);
  await eventually(() => s.store.list().length === 3);
  assert.deepEqual(s.logged, []);
  const served = s.store.require("alias").definition;
  assert.equal(served.Version, "v7");
  assert.equal(served.Runtime, "python310");
  assert.equal(s.store.require("alias").pool.image, "serverledge-python311");
  assert.equal(s.store.require("big").pool.memoryMB, 4096, "a bigger node's function is served");
  assert.match(s.store.require("unversioned").definition.Version, /^sha256-[0-9a-f]{32}$/);
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
}
