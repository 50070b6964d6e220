import assert from "node:assert/strict";
import { BadRequestError, NotFoundError } from "../errors.ts";
import { encodeBase64 } from "../../protocol/base64.ts";
import { encodeExecutorCode } from "../containers/executor.ts";
import { deploy } from "./deployed.ts";
import { checkStoredDefinition, parseDefinition } from "./parse_definition.ts";
import { writeTar } from "../../protocol/tar_writer.ts";

const LIMITS = { codeBytes: 1 << 20, defaultTimeout: 60 };
const code = (name: string, data = "x") => encodeBase64(writeTar([{ name, data }]));
const python = {
  Name: "hello",
  Runtime: "python310",
  MemoryMB: 128,
  Handler: "hello.handler",
  TarFunctionCode: code("hello.py"),
};

Deno.test("parseDefinition keeps the runtime as given, resolves it, and fills defaults", async () => {
  const { definition, files } = await parseDefinition(python, LIMITS);
  assert.deepEqual(files.map((f) => f.path), ["hello.py"], "the checked files come back");
  assert.equal(definition.Runtime, "python310", "stored as given: Go nodes know python310");
  assert.equal(deploy(definition, encodeExecutorCode(files)).pool.image, "serverledge-python311");
  assert.equal(definition.MaxConcurrency, 1);
  assert.equal(definition.CPUDemand, 0);
  assert.equal(definition.Timeout, 60);
  assert.equal(definition.Signature, null, "none given");
  assert.match(definition.Version, /^[0-9a-f-]{36}$/);
  const { definition: node } = await parseDefinition(
    {
      ...python,
      Runtime: "nodejs17",
      Handler: "lib/sieve.js",
      TarFunctionCode: code("lib/sieve.js"),
    },
    LIMITS,
  );
  assert.equal(node.Runtime, "nodejs17", "stored as given");
});

Deno.test("parseDefinition accepts a Python package module and a custom image", async () => {
  await parseDefinition(
    { ...python, Handler: "pkg.mod.run", TarFunctionCode: code("pkg/mod/__init__.py") },
    LIMITS,
  );
  const { definition: custom, files: none } = await parseDefinition(
    { Name: "c", Runtime: "custom", MemoryMB: 64, CustomImage: "my/image:1.0" },
    LIMITS,
  );
  assert.equal(custom.CustomImage, "my/image:1.0");
  assert.deepEqual(none, []);
});

for (
  const [label, change, error, message] of [
    ["an odd name", { Name: "../etc" }, BadRequestError, /name "..\/etc" is invalid/],
    ["a long name", { Name: "x".repeat(65) }, BadRequestError, /is invalid/],
    ["a numeric name", { Name: 12 }, BadRequestError, /is invalid/],
    ["an unknown runtime", { Runtime: "cobol" }, NotFoundError, /Runtime "cobol" is unknown/],
    ["a string memory", { MemoryMB: "128" }, BadRequestError, /"MemoryMB" must be an integer/],
    [
      "a negative CPU demand but -1",
      { CPUDemand: -0.5 },
      BadRequestError,
      /must be -1 .* got -0.5/,
    ],
    ["a missing handler", { Handler: undefined }, BadRequestError, /"Handler" is required/],
    ["a bad Python handler", { Handler: "hello" }, BadRequestError, /must be written as/],
    [
      "a handler without its file",
      { Handler: "other.fn" },
      BadRequestError,
      /needs file "other.py"/,
    ],
    [
      "missing code",
      { TarFunctionCode: undefined },
      BadRequestError,
      /"TarFunctionCode" is required/,
    ],
    [
      "a custom image on python",
      { CustomImage: "x" },
      BadRequestError,
      /only for runtime "custom"/,
    ],
    ["a zero concurrency", { MaxConcurrency: 0 }, BadRequestError, /"MaxConcurrency"/],
    ["a huge timeout", { Timeout: 99999 }, BadRequestError, /"Timeout"/],
  ] as [string, Record<string, unknown>, typeof BadRequestError, RegExp][]
) {
  Deno.test(`parseDefinition refuses ${label}`, async () => {
    await assert.rejects(
      parseDefinition({ ...python, ...change }, LIMITS),
      (e) => e instanceof error && message.test((e as Error).message),
    );
  });
}

Deno.test("parseDefinition refuses a body that is not an object", async () => {
  await assert.rejects(parseDefinition([1, 2], LIMITS), /must be a JSON object/);
  await assert.rejects(parseDefinition(null, LIMITS), /must be a JSON object/);
});

Deno.test("parseDefinition refuses a custom runtime without a valid image", async () => {
  await assert.rejects(
    parseDefinition(
      { Name: "c", Runtime: "custom", MemoryMB: 64, CustomImage: "Bad Image" },
      LIMITS,
    ),
    /must name a Docker image/,
  );
});

Deno.test("MemoryMB missing takes 128 MB; CPUDemand -1 (no CPU cap) is kept", async () => {
  const { MemoryMB: _memory, ...withoutMemory } = python;
  const { definition } = await parseDefinition({ ...withoutMemory, CPUDemand: -1 }, LIMITS);
  assert.equal(definition.MemoryMB, 128);
  assert.equal(definition.CPUDemand, -1);
});

Deno.test("a Signature is checked and kept, its field name in any case", async () => {
  const signature = { Inputs: [{ Name: "name", Type: "Text" }], Outputs: [] };
  const { definition } = await parseDefinition({ ...python, signature }, LIMITS);
  assert.deepEqual(definition.Signature, signature);
  await assert.rejects(
    parseDefinition({ ...python, Signature: { Inputs: [{ Name: "n", Type: "Number" }] } }, LIMITS),
    /"Signature.Inputs\[0\].Type" must be one of .*, got "Number"/,
  );
});

Deno.test("field names of a definition match in any case", async () => {
  const lowered = Object.fromEntries(Object.entries(python).map(([k, v]) => [k.toLowerCase(), v]));
  const { definition } = await parseDefinition({ ...lowered, cpudemand: 0.5 }, LIMITS);
  assert.equal(definition.Name, "hello");
  assert.equal(definition.MemoryMB, 128);
  assert.equal(definition.CPUDemand, 0.5);
});

Deno.test("checkStoredDefinition gives what a Go node does not write the create defaults", async () => {
  const goWritten = {
    ...python,
    MemoryMB: 0, // Go's zero value: its creator gave none
    CPUDemand: 0,
    CustomImage: "",
    Signature: { Inputs: [], Outputs: [] },
  };
  const { definition } = await checkStoredDefinition(goWritten, LIMITS);
  assert.equal(definition.Runtime, "python310");
  assert.equal(definition.MemoryMB, 128);
  assert.equal(definition.Timeout, 60);
  assert.equal(definition.MaxConcurrency, 1);
  assert.deepEqual(
    definition.Signature,
    { Inputs: [], Outputs: [] },
    "kept as the Go node wrote it",
  );
  assert.match(definition.Version, /^sha256-[0-9a-f]{32}$/);
  assert.equal(
    (await checkStoredDefinition(goWritten, LIMITS)).definition.Version,
    definition.Version,
    "the same content, the same version",
  );
  const other = await checkStoredDefinition({ ...goWritten, Handler: "hello.other" }, LIMITS);
  assert.notEqual(other.definition.Version, definition.Version);
  await assert.rejects(
    checkStoredDefinition({ ...goWritten, MemoryMB: 8 }, LIMITS),
    BadRequestError,
    "a memory given is checked as at create",
  );
  await assert.rejects(
    checkStoredDefinition({ ...goWritten, Signature: { Inputs: [{ Name: "n" }] } }, LIMITS),
    BadRequestError,
    "a signature is checked as at create",
  );
});
