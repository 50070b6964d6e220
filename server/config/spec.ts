/**
 * What an entry of the key table is ({@linkcode KeySpec}, made with {@linkcode key}), how the
 * table's nesting places each key on a `Config` property ({@linkcode placeKeys}), and the type
 * of the values a table produces ({@linkcode ValuesOf}).
 *
 * @example A table of two keys and the type of its values
 * ```ts
 * import { integer, text } from "./values.ts";
 * import { key, type Merged, placeKeys, type ValuesOf } from "./spec.ts";
 *
 * const table = [
 *   { api: { port: key("api.port", integer(1, 65535), 1323, "Port of the API") } },
 *   { area: key("registry.area", text(), "ROME", "Area of this node") },
 * ] as const;
 * const values: ValuesOf<Merged<typeof table>> = { api: { port: 1400 }, area: "MILAN" };
 * console.log(placeKeys(table).map((k) => k.path.join("."))); // [ "api.port", "area" ]
 * console.log(values.api.port); // 1400
 * ```
 *
 * @module
 */
import type { MachineContext } from "./machine.ts";
import type { ConfigKeyType, ConfigValue, ValueKind } from "./values.ts";

/** One supported config key: its name, type, default and meaning. */
export interface ConfigKey {
  /** Dotted key as written in the config file, e.g. `api.port`. */
  readonly name: string;
  /** Environment variable that overrides it, e.g. `SERVERLEDGE_API_PORT`. */
  readonly env: string;
  /** Value type. */
  readonly type: ConfigKeyType;
  /** What a valid value looks like, e.g. `an integer from 1 to 65535`. */
  readonly expected: string;
  /** Default value, or `undefined` when it is computed at start (see `defaultText`). */
  readonly default: ConfigValue | undefined;
  /** The default as documented (Markdown), e.g. `` `1323` `` or `half the machine's memory`. */
  readonly defaultText: string;
  /** What the key controls, one sentence without trailing period. */
  readonly description: string;
}

/** A default value, or how to compute it at start from the machine's facts. */
export type DefaultOf<V extends ConfigValue> = V | ((ctx: MachineContext) => V);

/** An entry of the key table: a documented key and how to read and default its value `V`. */
export class KeySpec<V extends ConfigValue = ConfigValue> {
  /** The key as {@linkcode ConfigKey} documents it (frozen). */
  readonly key: ConfigKey;
  readonly #kind: ValueKind<V>;
  readonly #default: DefaultOf<V>;

  /** Use {@linkcode key}. */
  constructor(
    name: string,
    kind: ValueKind<V>,
    defaultValue: DefaultOf<V>,
    description: string,
    defaultText?: string,
  ) {
    this.key = Object.freeze({
      name,
      env: `SERVERLEDGE_${name.toUpperCase().replaceAll(".", "_")}`,
      type: kind.type,
      expected: kind.expected,
      default: typeof defaultValue === "function" ? undefined : defaultValue,
      defaultText: defaultText ?? describeDefault(defaultValue),
      description,
    });
    this.#kind = kind;
    this.#default = defaultValue;
  }

  /** Returns the validated value, or `undefined` when `raw` is not acceptable. */
  read(raw: unknown): V | undefined {
    return this.#kind.read(raw);
  }

  /** The default value, computed from the machine's facts when `key.default` is absent. */
  defaultValue(ctx: MachineContext): V {
    return typeof this.#default === "function" ? this.#default(ctx) : this.#default;
  }
}

/** A default as documented: `empty` for `""` and `[]`, else the value in backquotes. */
function describeDefault(value: DefaultOf<ConfigValue>): string {
  if (value === "" || (Array.isArray(value) && value.length === 0)) return "empty";
  return `\`${Array.isArray(value) ? value.join(", ") : String(value)}\``;
}

/**
 * An entry of the key table.
 *
 * @param name dotted key as written in the config file
 * @param kind how its value is read, and so its type
 * @param defaultValue the default
 * @param description what the key controls, one sentence without trailing period
 * @param defaultText the default as documented, when not the value in backquotes (`empty` for
 * `""`)
 */
export function key<V extends ConfigValue>(
  name: string,
  kind: ValueKind<V>,
  defaultValue: NoInfer<V>,
  description: string,
  defaultText?: string,
): KeySpec<V>;
/**
 * An entry of the key table whose default is computed at start.
 *
 * @param name dotted key as written in the config file
 * @param kind how its value is read, and so its type
 * @param compute computes the default from the machine's facts
 * @param description what the key controls, one sentence without trailing period
 * @param defaultText the default as documented
 */
export function key<V extends ConfigValue>(
  name: string,
  kind: ValueKind<V>,
  compute: (ctx: MachineContext) => NoInfer<V>,
  description: string,
  defaultText: string,
): KeySpec<V>;
export function key<V extends ConfigValue>(
  name: string,
  kind: ValueKind<V>,
  defaultValue: DefaultOf<V>,
  description: string,
  defaultText?: string,
): KeySpec<V> {
  return new KeySpec(name, kind, defaultValue, description, defaultText);
}

/** Part of a key table: properties of `Config`, each a key or a group of them. */
export interface KeyGroup {
  readonly [property: string]: KeySpec | KeyGroup;
}

/** The type of the values of a table part: each key becomes its value, groups stay groups. */
export type ValuesOf<T> = {
  readonly [K in keyof T]: T[K] extends KeySpec<infer V> ? V : ValuesOf<T[K]>;
};

/** The parts of a table as one: a later part may add properties to the groups of earlier ones. */
export type Merged<Parts> = Parts extends readonly [infer First, ...infer Rest]
  ? First & Merged<Rest>
  : unknown;

/** A key and the path of the `Config` property it lands on. */
export interface PlacedKey {
  /** The key. */
  readonly spec: KeySpec;
  /** Property names from `Config` down to the key's value, e.g. `["pool", "memoryMB"]`. */
  readonly path: readonly string[];
}

/**
 * The keys of a table, part after part, each part depth first in the order written.
 *
 * @throws {Error} when two keys land on the same property
 */
export function placeKeys(parts: readonly KeyGroup[]): PlacedKey[] {
  const placed: PlacedKey[] = [];
  const walk = (group: KeyGroup, prefix: readonly string[]) => {
    for (const [property, entry] of Object.entries(group)) {
      const path = [...prefix, property];
      if (entry instanceof KeySpec) placed.push({ spec: entry, path });
      else walk(entry, path);
    }
  };
  for (const part of parts) walk(part, []);
  const seen = new Set<string>();
  for (const { path } of placed) {
    const at = path.join(".");
    if (seen.has(at)) throw new Error(`Two config keys land on the property "${at}"`);
    seen.add(at);
  }
  return placed;
}
