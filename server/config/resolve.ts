/**
 * From config text to {@linkcode Config}: parse YAML or TOML, flatten nested keys to dotted
 * ones, apply the `SERVERLEDGE_*` environment variables, validate each key, fill in defaults,
 * and place every value on its `Config` property as the key table says.
 *
 * @module
 */
import { resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { ConfigError, errorText } from "./error.ts";
import { type Config, PLACED_KEYS, type TableValues } from "./keys.ts";
import { type MachineContext, machineHostname, type MachineInfo } from "./machine.ts";
import type { KeySpec } from "./spec.ts";
import { unknownKeyWarning } from "./suggest.ts";
import type { ConfigValue } from "./values.ts";

/** Options of {@linkcode parseConfig} and {@linkcode defaultConfig}. */
export interface ParseConfigOptions {
  /**
   * Environment whose `SERVERLEDGE_*` variables override the file.
   * @default {} (no overrides)
   */
  env?: Record<string, string>;
  /**
   * Directory a relative `data.dir` is resolved against.
   * @default Deno.cwd()
   */
  cwd?: string;
  /** Machine facts, for tests; read from Deno when absent. */
  machine?: MachineInfo;
}

const SPECS: readonly KeySpec[] = PLACED_KEYS.map(({ spec }) => spec);
const BY_NAME: ReadonlyMap<string, KeySpec> = new Map(SPECS.map((s) => [s.key.name, s]));
const BY_ENV: ReadonlyMap<string, KeySpec> = new Map(SPECS.map((s) => [s.key.env, s]));
/** Known keys that are also the prefix of other known keys (`cloud`). */
const PREFIXES: ReadonlySet<string> = new Set(
  [...BY_NAME.keys()].filter((name) => SPECS.some((s) => s.key.name.startsWith(`${name}.`))),
);
/** `SERVERLEDGE_*` variables that belong to the CLI, not to the node. */
const CLI_ENV: ReadonlySet<string> = new Set([
  "SERVERLEDGE_HOST",
  "SERVERLEDGE_PORT",
  "SERVERLEDGE_TOKEN",
]);

if (BY_ENV.size !== SPECS.length) throw new Error("Two config keys map to one variable");

/** A raw value and where it came from (a quoted file path or an environment variable). */
interface RawValue {
  value: unknown;
  origin: string;
}

/** A value as quoted in messages: JSON, at most 80 characters. */
function show(value: unknown): string {
  let s: string;
  try {
    s = value instanceof Date ? `"${value.toISOString()}"` : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Whether `value` is a plain object, as a parsed document's mappings are. */
function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Flattens a parsed document to dotted, lower-case keys. A mapping under a known key is a
 * value (and fails validation), except under a key that is also a prefix (`cloud`).
 */
function flatten(doc: Record<string, unknown>, origin: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, value] of Object.entries(node)) {
      const key = (prefix === "" ? k : `${prefix}.${k}`).toLowerCase();
      if (isMapping(value) && (!BY_NAME.has(key) || PREFIXES.has(key))) {
        walk(value, key);
      } else if (out.has(key)) {
        throw new ConfigError(`Config key "${key}" is set twice in ${origin}`, key);
      } else {
        out.set(key, value);
      }
    }
  };
  walk(doc, "");
  return out;
}

/** Parses config text, naming the file when it is malformed. */
function parseText(text: string, format: "yaml" | "toml", origin: string): unknown {
  try {
    return format === "toml" ? parseToml(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `Cannot parse config file ${origin} as ${format.toUpperCase()}: ${errorText(error).trim()}`,
      undefined,
      { cause: error },
    );
  }
}

/** The raw value of each known key: the file's, overridden by the environment's. */
function rawValues(
  fileValues: Map<string, unknown>,
  fileOrigin: string,
  env: Record<string, string>,
  warnings: string[],
): Map<string, RawValue> {
  const raws = new Map<string, RawValue>();
  for (const [key, value] of fileValues) {
    if (!BY_NAME.has(key)) warnings.push(unknownKeyWarning(key, fileOrigin));
    else if (value !== null && value !== undefined) raws.set(key, { value, origin: fileOrigin });
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("SERVERLEDGE_") || CLI_ENV.has(name)) continue;
    const spec = BY_ENV.get(name);
    if (spec === undefined) {
      warnings.push(`Ignoring unknown environment variable ${name}`);
    } else {
      raws.set(spec.key.name, { value, origin: name });
    }
  }
  return raws;
}

/** The validated value of `spec`, or its default when `raw` is absent. */
function valueOf(spec: KeySpec, raw: RawValue | undefined, ctx: MachineContext): ConfigValue {
  if (raw === undefined) return spec.defaultValue(ctx);
  const value = spec.read(raw.value);
  if (value === undefined) {
    throw new ConfigError(
      `Config key "${spec.key.name}" must be ${spec.key.expected}, got ${
        show(raw.value)
      } (from ${raw.origin})`,
      spec.key.name,
    );
  }
  return value;
}

/** Sets `value` at `path` in `tree`, making the groups on the way. */
function place(tree: Record<string, unknown>, path: readonly string[], value: ConfigValue): void {
  let group = tree;
  for (const property of path.slice(0, -1)) {
    group = (group[property] ??= {}) as Record<string, unknown>;
  }
  group[path[path.length - 1]] = value;
}

/** Freezes `value` and every object in it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Validates raw values over the defaults and builds the frozen {@linkcode Config}. */
function resolveConfig(
  fileValues: Map<string, unknown>,
  fileOrigin: string,
  source: string,
  options: ParseConfigOptions,
): Config {
  const warnings: string[] = [];
  const raws = rawValues(fileValues, fileOrigin, options.env ?? {}, warnings);
  const ctx: MachineContext = { machine: options.machine ?? {}, warnings };
  const values: Record<string, ConfigValue> = {};
  const tree: Record<string, unknown> = {};
  for (const { spec, path } of PLACED_KEYS) {
    const { name } = spec.key;
    values[name] = valueOf(spec, raws.get(name), ctx);
    place(tree, path, values[name]);
  }
  const table = tree as TableValues;
  const config: Config = {
    source,
    warnings,
    ...table,
    nodeId: table.nodeId || `${machineHostname(ctx)}-${table.api.port}`,
    dataDir: resolve(options.cwd ?? Deno.cwd(), table.dataDir),
    values,
    setBy: Object.fromEntries([...raws].map(([name, { origin }]) => [name, origin])),
  };
  return deepFreeze(config);
}

/**
 * Parses config text and resolves it to a {@linkcode Config}: flat and nested keys, the
 * environment overrides in `options.env`, validation, defaults. Reads no file.
 *
 * @param text the content of a config file
 * @param format `"yaml"` or `"toml"`
 * @param source the file's path, used in messages and as `Config.source`
 * @throws {ConfigError} when the text does not parse or a key has a bad value
 *
 * @example
 * ```ts
 * import { parseConfig } from "./resolve.ts";
 *
 * const config = parseConfig("api.port: 1400\ncloud: true\n", "yaml", "inline.yaml");
 * console.log(config.api.port, config.cloud); // 1400 true
 * ```
 */
export function parseConfig(
  text: string,
  format: "yaml" | "toml",
  source: string,
  options: ParseConfigOptions = {},
): Config {
  const origin = `"${source}"`;
  const doc = parseText(text, format, origin) ?? {};
  if (!isMapping(doc)) {
    throw new ConfigError(`Config file ${origin} must hold a mapping of keys, got ${show(doc)}`);
  }
  return resolveConfig(flatten(doc, origin), origin, source, options);
}

/**
 * The configuration with every key at its default, except for the `SERVERLEDGE_*` variables
 * in `options.env` (none by default). `source` is `"defaults"`.
 *
 * @throws {ConfigError} when an environment variable has a bad value
 *
 * @example
 * ```ts
 * import { defaultConfig } from "./resolve.ts";
 *
 * console.log(defaultConfig().api.port); // 1323
 * ```
 */
export function defaultConfig(options: ParseConfigOptions = {}): Config {
  return resolveConfig(new Map(), '"defaults"', "defaults", options);
}
