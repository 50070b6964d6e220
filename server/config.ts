/**
 * Node configuration: Serverledge's config keys, read from a YAML or TOML file, overridden by
 * `SERVERLEDGE_*` environment variables, validated, and returned as one frozen {@linkcode Config}.
 *
 * The file is the one named on the command line, or else the first of
 * `serverledge-conf.yaml`, `serverledge-conf.yml`, `serverledge-conf.toml` found in
 * `/etc/serverledge`, then `$HOME`, then the working directory (the directories in
 * Serverledge's order; within a directory YAML wins over TOML). Without a file every key has
 * its default.
 *
 * Keys may be written flat (`api.port: 1326`, as Serverledge's example configs do; in TOML
 * `"api.port" = 1326`), nested (`api: {port: 1326}`, `[api]`) or both in one file. Key names
 * are case-insensitive (as with Serverledge's viper). An empty value (`etcd.address:` in YAML)
 * means the default. Unknown keys are ignored with a warning, as Serverledge ignores them; a
 * bad value of a known key throws a {@linkcode ConfigError} naming the key.
 *
 * Reading YAML needs `--allow-env` (the `yaml` package reads `LOG_TOKENS` and `LOG_STREAM`);
 * the default node id and pool memory need `--allow-sys`.
 *
 * @example Load the node's config
 * ```ts
 * import { loadConfig } from "./config.ts";
 *
 * const config = await loadConfig({ path: Deno.args[0] });
 * for (const warning of config.warnings) console.warn(warning);
 * console.log(`Node ${config.nodeId} on ${config.api.ip}:${config.api.port}`);
 * ```
 *
 * @module
 */

import { extname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { parse as parseToml } from "smol-toml";
import { SCHEDULING_POLICIES, type SchedulingPolicyName } from "../protocol/policies.ts";

/** Thrown when the config file is missing, unreadable or malformed, or a key has a bad value. */
export class ConfigError extends Error {
  /** The dotted key whose value is bad, when the error is about one key. */
  readonly key: string | undefined;

  /**
   * Creates a config error.
   *
   * @param message what is wrong, sentence case, no trailing period
   * @param key the dotted key whose value is bad, if any
   * @param options standard error options (`cause`)
   */
  constructor(message: string, key?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
    this.key = key;
  }
}

/** The file names searched for in each config directory, in order. */
export const CONFIG_FILE_NAMES: readonly string[] = Object.freeze([
  "serverledge-conf.yaml",
  "serverledge-conf.yml",
  "serverledge-conf.toml",
]);

/** The value of one config key after validation. */
export type ConfigValue = string | number | boolean;

/** The type of a config key, as documented. */
export type ConfigKeyType = "string" | "integer" | "number" | "boolean" | "url" | "enum";

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

/** The node's configuration: every key validated, defaults filled in, deeply frozen. */
export interface Config {
  /** Path of the config file read, or `"defaults"` when none was found. */
  readonly source: string;
  /** Unknown keys and other things worth logging at start; empty when all is well. */
  readonly warnings: readonly string[];
  /** `node.id`, or `<hostname>-<api.port>` when it is empty. */
  readonly nodeId: string;
  /** HTTP API listener. */
  readonly api: {
    /** `api.ip`: address the API binds to. */
    readonly ip: string;
    /** `api.port`: port the API listens on. */
    readonly port: number;
  };
  /** etcd registry. */
  readonly etcd: {
    /** `etcd.address`: `host:port` of etcd; empty = embedded registry (Deno KV). */
    readonly address: string;
  };
  /** `data.dir` resolved to an absolute path. */
  readonly dataDir: string;
  /** `cloud`: whether this node is a cloud node. */
  readonly cloud: boolean;
  /** `cloud.server.url` without trailing slash; empty when not set. */
  readonly cloudServerUrl: string;
  /** Container pool capacity. */
  readonly pool: {
    /** `container.pool.memory`: MB the pool may give to containers. */
    readonly memoryMB: number;
    /** `container.pool.cpus`: CPUs the pool may give to containers. */
    readonly cpus: number;
    /** `container.pool.blank`: blank containers kept started per built-in runtime. */
    readonly blankPerRuntime: number;
  };
  /** Container lifetimes. */
  readonly container: {
    /** `container.expiration`: seconds an idle warm container is kept. */
    readonly expiration: number;
    /** `container.timeout`: default invocation timeout in seconds. */
    readonly timeout: number;
  };
  /** Janitor of expired containers. */
  readonly janitor: {
    /** `janitor.interval`: seconds between two janitor runs. */
    readonly interval: number;
  };
  /** Container factory. */
  readonly factory: {
    /** `factory.images.refresh`: accepted, no effect (images are never pulled). */
    readonly refreshImages: boolean;
  };
  /** Cluster registration and neighbour discovery. */
  readonly registry: {
    /** `registry.area`: area of this node. */
    readonly area: string;
    /** `registry.ttl`: seconds of the registration lease. */
    readonly ttl: number;
    /** `registry.udp.port`: accepted, unused (load is polled over HTTP). */
    readonly udpPort: number;
    /** `registry.nearby.interval`: seconds between two polls of edge neighbours' load. */
    readonly nearbyInterval: number;
    /** `registry.monitoring.interval`: seconds between two polls of cloud nodes' load. */
    readonly monitoringInterval: number;
  };
  /** Scheduling. */
  readonly scheduler: {
    /** `scheduler.policy`. */
    readonly policy: SchedulingPolicyName;
    /** `scheduler.queue.capacity`: requests that may wait for local capacity; 0 = none. */
    readonly queueCapacity: number;
  };
  /** `metrics.enabled`. */
  readonly metricsEnabled: boolean;
  /** Asynchronous invocations. */
  readonly async: {
    /** `async.ttl`: seconds an async report is kept. */
    readonly ttl: number;
  };
  /** Size limits in bytes. */
  readonly limits: {
    /** `api.body.limit`: largest request body. */
    readonly bodyBytes: number;
    /** `code.max.size`: largest unpacked function code. */
    readonly codeBytes: number;
  };
  /** Every key by its dotted name, as validated (`node.id` and `data.dir` as written). */
  readonly values: Readonly<Record<string, ConfigValue>>;
}

/** Facts about the machine that some defaults depend on; each is read from Deno when absent. */
export interface MachineInfo {
  /** Host name, for the default node id. */
  hostname?: string;
  /** Total memory in MB; the pool gets half of it by default. */
  memoryMB?: number;
  /** Number of CPUs, the pool's default CPU capacity. */
  cpus?: number;
}

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

/** Options of {@linkcode loadConfig} and {@linkcode findConfigFile}. */
export interface LoadConfigOptions extends ParseConfigOptions {
  /** Config file to read (the node's first argument); skips the search when given. */
  path?: string;
  /**
   * Environment whose `SERVERLEDGE_*` variables override the file.
   * @default Deno.env.toObject()
   */
  env?: Record<string, string>;
  /**
   * Home directory searched second.
   * @default env.HOME
   */
  home?: string;
  /**
   * System config directory searched first.
   * @default "/etc/serverledge"
   */
  etcDir?: string;
}

const MIB = 1024 * 1024;

/** Context for computed defaults. */
interface _DefaultContext {
  machine: MachineInfo;
  warnings: string[];
}

/** A key's full specification: the public part plus how to read and default its value. */
interface _KeySpec extends ConfigKey {
  /** Returns the validated value, or `undefined` when `raw` is not acceptable. */
  read(raw: unknown): ConfigValue | undefined;
  /** Computes the default when `default` is `undefined`. */
  compute?(ctx: _DefaultContext): ConfigValue;
}

function _int(min: number, max?: number): Pick<_KeySpec, "type" | "expected" | "read"> {
  const expected = max !== undefined
    ? `an integer from ${min} to ${max}`
    : min === 1
    ? "a positive integer"
    : min === 0
    ? "a non-negative integer"
    : `an integer of at least ${min}`;
  return {
    type: "integer",
    expected,
    read(raw) {
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "bigint") n = Number(raw);
      else if (typeof raw === "string" && /^\s*[+-]?\d+\s*$/.test(raw)) n = Number(raw);
      else return undefined;
      if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) return undefined;
      return n;
    },
  };
}

function _positiveNumber(): Pick<_KeySpec, "type" | "expected" | "read"> {
  return {
    type: "number",
    expected: "a positive number",
    read(raw) {
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (
        typeof raw === "string" && /^\s*[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw)
      ) {
        n = Number(raw);
      } else return undefined;
      return Number.isFinite(n) && n > 0 ? n : undefined;
    },
  };
}

function _bool(): Pick<_KeySpec, "type" | "expected" | "read"> {
  return {
    type: "boolean",
    expected: "true or false",
    read(raw) {
      if (typeof raw === "boolean") return raw;
      if (typeof raw !== "string") return undefined;
      const s = raw.trim().toLowerCase();
      if (s === "true" || s === "1") return true;
      if (s === "false" || s === "0") return false;
      return undefined;
    },
  };
}

function _str(
  expected = "a string",
  pattern?: RegExp,
): Pick<_KeySpec, "type" | "expected" | "read"> {
  return {
    type: "string",
    expected,
    read(raw) {
      let s: string;
      if (typeof raw === "string") s = raw.trim();
      else if (typeof raw === "number" && Number.isFinite(raw)) s = String(raw);
      else return undefined;
      return pattern === undefined || pattern.test(s) ? s : undefined;
    },
  };
}

function _url(): Pick<_KeySpec, "type" | "expected" | "read"> {
  return {
    type: "url",
    expected: "an http:// or https:// URL (or empty)",
    read(raw) {
      if (typeof raw !== "string") return undefined;
      const s = raw.trim();
      if (s === "") return "";
      if (!URL.canParse(s)) return undefined;
      const url = new URL(s);
      if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
      if (url.hostname === "") return undefined;
      return s.replace(/\/+$/, "");
    },
  };
}

function _policy(): Pick<_KeySpec, "type" | "expected" | "read"> {
  const aliases: Record<string, SchedulingPolicyName> = {
    qosaware: "edgecloud",
    qosawareedgecloud: "edgecloud",
  };
  return {
    type: "enum",
    expected: `one of ${SCHEDULING_POLICIES.map((p) => `"${p}"`).join(", ")}`,
    read(raw) {
      if (typeof raw !== "string") return undefined;
      const s = raw.trim().toLowerCase();
      if ((SCHEDULING_POLICIES as readonly string[]).includes(s)) return s;
      return aliases[s];
    },
  };
}

function _key(
  name: string,
  kind: Pick<_KeySpec, "type" | "expected" | "read">,
  defaultValue: ConfigValue | ((ctx: _DefaultContext) => ConfigValue),
  defaultText: string | undefined,
  description: string,
): _KeySpec {
  const computed = typeof defaultValue === "function";
  return {
    name,
    env: `SERVERLEDGE_${name.toUpperCase().replaceAll(".", "_")}`,
    ...kind,
    default: computed ? undefined : defaultValue,
    defaultText: defaultText ??
      (defaultValue === "" ? "empty" : `\`${String(defaultValue)}\``),
    description,
    compute: computed ? defaultValue : undefined,
  };
}

function _machineMemoryMB(ctx: _DefaultContext): number {
  if (ctx.machine.memoryMB !== undefined) return ctx.machine.memoryMB;
  try {
    return Math.floor(Deno.systemMemoryInfo().total / MIB);
  } catch (error) {
    ctx.warnings.push(
      `Cannot read the machine's memory size (${_errorText(error)}): ` +
        `"container.pool.memory" defaults to 2048`,
    );
    return 4096; // the pool gets half
  }
}

function _machineCpus(ctx: _DefaultContext): number {
  return ctx.machine.cpus ?? (navigator.hardwareConcurrency || 1);
}

const _NODE_ID = /^$|^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const _SPECS: readonly _KeySpec[] = [
  _key(
    "api.ip",
    _str("a non-empty address without spaces", /^\S+$/),
    "127.0.0.1",
    undefined,
    "Address the HTTP API binds to; set `0.0.0.0` to expose the node beyond this machine",
  ),
  _key("api.port", _int(1, 65535), 1323, undefined, "Port of the HTTP API"),
  _key(
    "api.body.limit",
    _int(1024),
    32 * MIB,
    "`33554432` (32 MiB)",
    "Largest request body the API accepts, in bytes (a `/create` body carries the base64 code)",
  ),
  _key(
    "etcd.address",
    _str("a host:port address without spaces (or empty)", /^\S*$/),
    "",
    undefined,
    "etcd endpoint, e.g. `127.0.0.1:2379`; empty = embedded single-node registry under `data.dir`",
  ),
  _key(
    "data.dir",
    _str("a non-empty path", /^.+$/),
    ".data",
    undefined,
    "Directory of the node's own data (embedded registry); relative to the working directory",
  ),
  _key(
    "node.id",
    _str('letters, digits, ".", "_" or "-" (at most 128, or empty)', _NODE_ID),
    "",
    undefined,
    "Id of this node in the cluster and on its containers' labels; empty = `<hostname>-<api.port>`",
  ),
  _key("cloud", _bool(), false, undefined, "Whether this node is a cloud node"),
  _key(
    "cloud.server.url",
    _url(),
    "",
    undefined,
    "URL of the cloud node that edge nodes offload to, e.g. `http://10.0.0.5:1323`",
  ),
  _key(
    "container.pool.memory",
    _int(1),
    (ctx) => Math.max(1, Math.floor(_machineMemoryMB(ctx) / 2)),
    "half the machine's memory",
    "Memory the container pool may give to containers, in MB",
  ),
  _key(
    "container.pool.cpus",
    _positiveNumber(),
    _machineCpus,
    "the machine's CPU count",
    "CPUs the container pool may give to containers (1.0 = one core)",
  ),
  _key(
    "container.expiration",
    _int(1),
    600,
    undefined,
    "Seconds an idle warm container is kept before the janitor removes it",
  ),
  _key(
    "container.timeout",
    _int(1),
    60,
    undefined,
    "Default invocation timeout in seconds, for functions that set none",
  ),
  _key(
    "container.pool.blank",
    _int(0),
    1,
    undefined,
    "Blank containers kept started per built-in runtime (32 MB each); a cold start takes one, " +
      "resizes it and hands it the function's code instead of creating a container",
  ),
  _key(
    "code.max.size",
    _int(1024),
    64 * MIB,
    "`67108864` (64 MiB)",
    "Largest function code accepted, in bytes once unpacked",
  ),
  _key("janitor.interval", _int(1), 60, undefined, "Seconds between two runs of the janitor"),
  _key(
    "factory.images.refresh",
    _bool(),
    false,
    undefined,
    "Accepted for Serverledge compatibility; no effect: images are built locally, never pulled",
  ),
  _key(
    "registry.area",
    _str("a non-empty string without spaces", /^\S+$/),
    "ROME",
    undefined,
    "Area of this node; neighbours are the edge nodes of the same area",
  ),
  _key("registry.ttl", _int(1), 20, undefined, "Seconds of the node's registration lease"),
  _key(
    "registry.udp.port",
    _int(1, 65535),
    9876,
    undefined,
    "Accepted for Serverledge compatibility; unused: nodes poll each other's load over HTTP " +
      "(`GET /load` on the API port)",
  ),
  _key(
    "registry.nearby.interval",
    _int(1),
    30,
    undefined,
    "Seconds between two polls of the load of edge neighbours (same area)",
  ),
  _key(
    "registry.monitoring.interval",
    _int(1),
    60,
    undefined,
    "Seconds between two polls of the load of cloud nodes",
  ),
  _key(
    "scheduler.policy",
    _policy(),
    "default",
    undefined,
    "Where requests run: `default` = here if it fits, else the cloud, else refused; " +
      "`localonly`; `edgeonly` = here if it fits, else the best edge neighbour; " +
      "`cloudonly` = always the cloud; " +
      "`edgecloud` = QoS-aware edge-cloud (Serverledge's `qosaware` is read as `edgecloud`)",
  ),
  _key(
    "scheduler.queue.capacity",
    _int(0),
    0,
    undefined,
    "Requests that may wait here for a container, memory or CPU to free up (up to their " +
      "function's timeout) when no place can take them at once; 0 = none wait, they get 429",
  ),
  _key("metrics.enabled", _bool(), true, undefined, "Serve Prometheus metrics at `/metrics`"),
  _key("async.ttl", _int(1), 86400, undefined, "Seconds the report of an async request is kept"),
];

const _BY_NAME: ReadonlyMap<string, _KeySpec> = new Map(_SPECS.map((s) => [s.name, s]));
const _BY_ENV: ReadonlyMap<string, _KeySpec> = new Map(_SPECS.map((s) => [s.env, s]));
/** Known keys that are also the prefix of other known keys (`cloud`). */
const _PREFIXES: ReadonlySet<string> = new Set(
  _SPECS.filter((s) => _SPECS.some((t) => t.name.startsWith(`${s.name}.`))).map((s) => s.name),
);
/** Serverledge keys this node does not use: ignored with a specific warning. */
const _SERVERLEDGE_ONLY = new Set([
  "cache.size",
  "cache.cleanup",
  "cache.expiration",
  "metrics.prometheus.host",
  "metrics.prometheus.port",
  "metrics.port",
  "tracing.enabled",
  "tracing.outfile",
  "scheduler.version",
  "scheduler.cloud.cost",
  "scheduler.local.budget",
  "solver.evalinterval",
]);
/** `SERVERLEDGE_*` variables that belong to the CLI, not to the node. */
const _CLI_ENV = new Set(["SERVERLEDGE_HOST", "SERVERLEDGE_PORT"]);

if (_BY_ENV.size !== _SPECS.length) throw new Error("Two config keys map to one variable");

/** Every supported config key with its type, default and description, in documentation order. */
export const CONFIG_KEYS: readonly ConfigKey[] = Object.freeze(
  _SPECS.map(({ name, env, type, expected, default: d, defaultText, description }) =>
    Object.freeze({ name, env, type, expected, default: d, defaultText, description })
  ),
);

/**
 * A Markdown table of {@linkcode CONFIG_KEYS}: key, environment variable, accepted values,
 * default and description, one row per key.
 *
 * @example
 * ```ts
 * import { describeConfigKeys } from "./config.ts";
 *
 * console.log(describeConfigKeys());
 * ```
 */
export function describeConfigKeys(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const rows = CONFIG_KEYS.map((k) => {
    return `| \`${k.name}\` | \`${k.env}\` | ${cell(k.expected)} | ${cell(k.defaultText)} | ${
      cell(k.description)
    } |`;
  });
  return [
    "| Key | Environment variable | Value | Default | Description |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n") + "\n";
}

/** A raw value and where it came from (a quoted file path or an environment variable). */
interface _Raw {
  value: unknown;
  origin: string;
}

function _errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function _show(value: unknown): string {
  let s: string;
  try {
    s = value instanceof Date ? `"${value.toISOString()}"` : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function _isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function _distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

function _unknownKeyWarning(key: string, where: string): string {
  if (_SERVERLEDGE_ONLY.has(key)) {
    return `Ignoring config key "${key}" in ${where}: this node does not use it`;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const spec of _SPECS) {
    const d = _distance(key, spec.name);
    if (d < bestDistance) [best, bestDistance] = [spec.name, d];
  }
  const hint = best === undefined ? "" : `: did you mean "${best}"?`;
  return `Ignoring unknown config key "${key}" in ${where}${hint}`;
}

/**
 * Flattens a parsed document to dotted, lower-case keys. A mapping under a known key is a
 * value (and fails validation), except under a key that is also a prefix (`cloud`).
 */
function _flatten(doc: Record<string, unknown>, origin: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, value] of Object.entries(node)) {
      const key = (prefix === "" ? k : `${prefix}.${k}`).toLowerCase();
      if (_isMapping(value) && (!_BY_NAME.has(key) || _PREFIXES.has(key))) {
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

function _parseText(text: string, format: "yaml" | "toml", origin: string): unknown {
  try {
    return format === "toml" ? parseToml(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `Cannot parse config file ${origin} as ${format.toUpperCase()}: ${_errorText(error).trim()}`,
      undefined,
      { cause: error },
    );
  }
}

/** Validates raw values over the defaults and builds the frozen {@linkcode Config}. */
function _resolve(
  fileValues: Map<string, unknown>,
  fileOrigin: string,
  source: string,
  options: ParseConfigOptions,
): Config {
  const warnings: string[] = [];
  const raws = new Map<string, _Raw>();
  for (const [key, value] of fileValues) {
    if (!_BY_NAME.has(key)) warnings.push(_unknownKeyWarning(key, fileOrigin));
    else if (value !== null && value !== undefined) raws.set(key, { value, origin: fileOrigin });
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!name.startsWith("SERVERLEDGE_") || _CLI_ENV.has(name)) continue;
    const spec = _BY_ENV.get(name);
    if (spec === undefined) {
      warnings.push(`Ignoring unknown environment variable ${name}`);
    } else {
      raws.set(spec.name, { value, origin: name });
    }
  }

  const ctx: _DefaultContext = { machine: options.machine ?? {}, warnings };
  const values: Record<string, ConfigValue> = {};
  for (const spec of _SPECS) {
    const raw = raws.get(spec.name);
    if (raw === undefined) {
      values[spec.name] = spec.default ?? spec.compute!(ctx);
      continue;
    }
    const value = spec.read(raw.value);
    if (value === undefined) {
      throw new ConfigError(
        `Config key "${spec.name}" must be ${spec.expected}, got ${
          _show(raw.value)
        } (from ${raw.origin})`,
        spec.name,
      );
    }
    values[spec.name] = value;
  }

  const v = <T extends ConfigValue>(key: string) => values[key] as T;
  let hostname = ctx.machine.hostname;
  if (v<string>("node.id") === "" && hostname === undefined) {
    try {
      hostname = Deno.hostname();
    } catch (error) {
      warnings.push(`Cannot read the host name (${_errorText(error)}): node id uses "localhost"`);
      hostname = "localhost";
    }
  }
  const config: Config = {
    source,
    warnings,
    nodeId: v<string>("node.id") || `${hostname}-${v<number>("api.port")}`,
    api: { ip: v("api.ip"), port: v("api.port") },
    etcd: { address: v("etcd.address") },
    dataDir: resolve(options.cwd ?? Deno.cwd(), v<string>("data.dir")),
    cloud: v("cloud"),
    cloudServerUrl: v("cloud.server.url"),
    pool: {
      memoryMB: v("container.pool.memory"),
      cpus: v("container.pool.cpus"),
      blankPerRuntime: v("container.pool.blank"),
    },
    container: { expiration: v("container.expiration"), timeout: v("container.timeout") },
    janitor: { interval: v("janitor.interval") },
    factory: { refreshImages: v("factory.images.refresh") },
    registry: {
      area: v("registry.area"),
      ttl: v("registry.ttl"),
      udpPort: v("registry.udp.port"),
      nearbyInterval: v("registry.nearby.interval"),
      monitoringInterval: v("registry.monitoring.interval"),
    },
    scheduler: { policy: v("scheduler.policy"), queueCapacity: v("scheduler.queue.capacity") },
    metricsEnabled: v("metrics.enabled"),
    async: { ttl: v("async.ttl") },
    limits: { bodyBytes: v("api.body.limit"), codeBytes: v("code.max.size") },
    values,
  };
  return _deepFreeze(config);
}

function _deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) _deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
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
 * import { parseConfig } from "./config.ts";
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
  const doc = _parseText(text, format, origin) ?? {};
  if (!_isMapping(doc)) {
    throw new ConfigError(`Config file ${origin} must hold a mapping of keys, got ${_show(doc)}`);
  }
  return _resolve(_flatten(doc, origin), origin, source, options);
}

/**
 * The configuration with every key at its default, except for the `SERVERLEDGE_*` variables
 * in `options.env` (none by default). `source` is `"defaults"`.
 *
 * @throws {ConfigError} when an environment variable has a bad value
 *
 * @example
 * ```ts
 * import { defaultConfig } from "./config.ts";
 *
 * console.log(defaultConfig().api.port); // 1323
 * ```
 */
export function defaultConfig(options: ParseConfigOptions = {}): Config {
  return _resolve(new Map(), '"defaults"', "defaults", options);
}

/**
 * Finds the config file: `options.path` (resolved against `options.cwd`) when given, else the
 * first of {@linkcode CONFIG_FILE_NAMES} that is a file in `options.etcDir`
 * (`/etc/serverledge`), then `options.home` (`$HOME`), then `options.cwd`.
 *
 * @returns the absolute path, or `undefined` when no file was found (never for `path`)
 *
 * @example
 * ```ts
 * import { findConfigFile } from "./config.ts";
 *
 * console.log(await findConfigFile({}) ?? "no config file");
 * ```
 */
export async function findConfigFile(
  options: LoadConfigOptions = {},
): Promise<string | undefined> {
  const cwd = options.cwd ?? Deno.cwd();
  if (options.path !== undefined) return resolve(cwd, options.path);
  const home = options.home ?? (options.env ?? Deno.env.toObject()).HOME;
  const dirs = [options.etcDir ?? "/etc/serverledge", home, cwd].filter(
    (d, i, all): d is string => d !== undefined && d !== "" && all.indexOf(d) === i,
  );
  for (const dir of dirs) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = resolve(cwd, join(dir, name));
      try {
        if ((await Deno.stat(path)).isFile) return path;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) {
          throw new ConfigError(
            `Cannot read config file "${path}": ${_errorText(error)}`,
            undefined,
            {
              cause: error,
            },
          );
        }
      }
    }
  }
  return undefined;
}

/**
 * Loads the node's configuration: finds the file (see {@linkcode findConfigFile}), parses it
 * as TOML when it ends in `.toml` and as YAML otherwise, applies the `SERVERLEDGE_*`
 * variables of `options.env` (`SERVERLEDGE_API_PORT` for `api.port`), validates every key.
 * Without a file, every key has its default.
 *
 * @throws {ConfigError} when `options.path` does not exist or cannot be read, the file does
 * not parse, or a key has a bad value (the message names the key)
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 *
 * const config = await loadConfig({ path: Deno.args[0] });
 * console.log(config.source, config.api.port);
 * ```
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const env = options.env ?? Deno.env.toObject();
  const path = await findConfigFile({ ...options, env });
  const parseOptions: ParseConfigOptions = { env, cwd: options.cwd, machine: options.machine };
  if (path === undefined) return defaultConfig(parseOptions);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const detail = error instanceof Deno.errors.NotFound ? "does not exist" : _errorText(error);
    throw new ConfigError(
      error instanceof Deno.errors.NotFound
        ? `Config file "${path}" ${detail}`
        : `Cannot read config file "${path}": ${detail}`,
      undefined,
      { cause: error },
    );
  }
  const format = extname(path).toLowerCase() === ".toml" ? "toml" : "yaml";
  return parseConfig(text, format, path, parseOptions);
}
