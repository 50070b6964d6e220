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
 * Every key is written once, in the key table of `keys.ts`; {@linkcode CONFIG_KEYS}, the
 * README's table ({@linkcode describeConfigKeys}) and the {@linkcode Config} type come from it.
 *
 * @example Load the node's config
 * ```ts
 * import { loadConfig } from "./mod.ts";
 *
 * const config = await loadConfig({ path: Deno.args[0] });
 * for (const warning of config.warnings) console.warn(warning);
 * console.log(`Node ${config.nodeId} on ${config.api.ip}:${config.api.port}`);
 * ```
 *
 * @module
 */

export { describeConfigKeys } from "./describe.ts";
export { ConfigError } from "./error.ts";
export { type Config, CONFIG_KEYS } from "./keys.ts";
export { CONFIG_FILE_NAMES, findConfigFile, loadConfig, type LoadConfigOptions } from "./load.ts";
export type { MachineInfo } from "./machine.ts";
export { defaultConfig, parseConfig, type ParseConfigOptions } from "./resolve.ts";
export type { ConfigKey } from "./spec.ts";
export type { ConfigKeyType, ConfigValue } from "./values.ts";
