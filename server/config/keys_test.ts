import assert from "node:assert/strict";
import { SCHEDULING_POLICIES } from "../../protocol/policies.ts";
import { machine } from "../testing/config.ts";
import { CONFIG_KEYS, PLACED_KEYS } from "./keys.ts";
import { defaultConfig } from "./resolve.ts";
import { key, type KeySpec, type Merged, placeKeys, type ValuesOf } from "./spec.ts";
import { bool, type ConfigValue, integer, text } from "./values.ts";

Deno.test("every key has its own environment variable", () => {
  const names = new Set(CONFIG_KEYS.map((k) => k.env));
  assert.equal(names.size, CONFIG_KEYS.length);
  for (const k of CONFIG_KEYS) {
    assert.equal(k.env, `SERVERLEDGE_${k.name.toUpperCase().replaceAll(".", "_")}`);
  }
});

/** A valid value of `spec` other than `otherThan`, for its environment variable. */
function sampleOf(spec: KeySpec, otherThan: ConfigValue): ConfigValue {
  switch (spec.key.type) {
    case "integer":
      return (otherThan as number) + 1;
    case "number":
      return (otherThan as number) + 0.5;
    case "boolean":
      return !otherThan;
    case "url":
      return "http://sample.example";
    case "enum":
      return SCHEDULING_POLICIES.find((p) => p !== otherThan)!;
    case "string": // absolute where a path is accepted: data.dir then lands on dataDir as it is
      return spec.read("/sample") ?? spec.read("sample-of-24-characters") ?? "sample";
    case "list": // a host name where names are accepted, an origin where origins are
      return spec.read("sample.example") ?? spec.read("https://sample.example")!;
  }
}

/** The value at `path` in `node`. */
function at(node: object, path: readonly string[]): unknown {
  return path.reduce<unknown>((n, property) => (n as Record<string, unknown>)[property], node);
}

/** The paths of the values in `node` that are not objects. */
function leafPaths(node: object, prefix: readonly string[] = []): string[] {
  return Object.entries(node).flatMap(([property, value]) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? leafPaths(value, [...prefix, property])
      : [[...prefix, property].join(".")]
  );
}

Deno.test("CONFIG_KEYS is the key table in order", () => {
  assert.deepEqual(CONFIG_KEYS.map((k) => k.name), PLACED_KEYS.map((k) => k.spec.key.name));
  assert.ok(Object.isFrozen(CONFIG_KEYS) && CONFIG_KEYS.every((k) => Object.isFrozen(k)));
});

Deno.test("every key of the table reaches its Config property and values", () => {
  const options = { machine, cwd: "/" };
  const defaults = defaultConfig(options);
  const samples = new Map(
    PLACED_KEYS.map(({ spec }) => [spec, sampleOf(spec, defaults.values[spec.key.name])]),
  );
  const env = Object.fromEntries(
    [...samples].map(([spec, value]) => [spec.key.env, String(value)]),
  );
  const { source, warnings, values, setBy, ...fromTable } = defaultConfig({ ...options, env });
  assert.equal(source, "defaults");
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    setBy,
    Object.fromEntries(PLACED_KEYS.map(({ spec }) => [spec.key.name, spec.key.env])),
  );
  for (const { spec, path } of PLACED_KEYS) {
    const sample = samples.get(spec);
    assert.notDeepEqual(sample, defaults.values[spec.key.name], spec.key.name);
    assert.deepEqual(values[spec.key.name], sample, spec.key.name);
    assert.deepEqual(at(fromTable, path), sample, `${spec.key.name} at ${path.join(".")}`);
  }
  assert.deepEqual(leafPaths(fromTable).sort(), PLACED_KEYS.map((k) => k.path.join(".")).sort());
});

Deno.test("a key added to the table is placed after the keys before it, and typed", () => {
  const table = [
    { a: { b: key("x.b", integer(0), 1, "B") }, c: key("x.c", text(), "c", "C") },
    { a: { d: key("x.d", bool(), false, "D") } },
  ] as const;
  const placed = placeKeys(table);
  assert.deepEqual(placed.map((k) => [k.spec.key.name, k.path]), [
    ["x.b", ["a", "b"]],
    ["x.c", ["c"]],
    ["x.d", ["a", "d"]],
  ]);
  const values: ValuesOf<Merged<typeof table>> = { a: { b: 2, d: true }, c: "s" };
  assert.equal(values.a.d, true);
  assert.throws(
    () => placeKeys([...table, { c: key("x.e", text(), "", "E") }]),
    new Error('Two config keys land on the property "c"'),
  );
});
