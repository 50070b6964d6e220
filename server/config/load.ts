/**
 * Finding and reading the node's config file: the path given, or the first of
 * {@linkcode CONFIG_FILE_NAMES} in `/etc/serverledge`, `$HOME`, the working directory.
 *
 * @module
 */
import { extname, join, resolve } from "node:path";
import { ConfigError, errorText } from "./error.ts";
import type { Config } from "./keys.ts";
import { defaultConfig, parseConfig, type ParseConfigOptions } from "./resolve.ts";

/** The file names searched for in each config directory, in order. */
export const CONFIG_FILE_NAMES: readonly string[] = Object.freeze([
  "serverledge-conf.yaml",
  "serverledge-conf.yml",
  "serverledge-conf.toml",
]);

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

/**
 * Finds the config file: `options.path` (resolved against `options.cwd`) when given, else the
 * first of {@linkcode CONFIG_FILE_NAMES} that is a file in `options.etcDir`
 * (`/etc/serverledge`), then `options.home` (`$HOME`), then `options.cwd`.
 *
 * @returns the absolute path, or `undefined` when no file was found (never for `path`)
 *
 * @example
 * ```ts
 * import { findConfigFile } from "./load.ts";
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
            `Cannot read config file "${path}": ${errorText(error)}`,
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
 * import { loadConfig } from "./load.ts";
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
    const detail = error instanceof Deno.errors.NotFound ? "does not exist" : errorText(error);
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
