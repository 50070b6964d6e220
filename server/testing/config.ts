/**
 * Test fixture: config text parsed with fixed machine facts and working directory, so that
 * defaults do not depend on the machine the tests run on.
 *
 * @module
 */
import { type Config, type MachineInfo, parseConfig } from "../config/mod.ts";

/** The machine the config tests pretend to run on. */
export const machine: MachineInfo = { hostname: "edge1", memoryMB: 8192, cpus: 4 };

/** The working directory the config tests pretend to run in. */
export const cwd = "/srv/node";

/** Parses YAML as the file `test.yaml` on {@linkcode machine} in {@linkcode cwd}. */
export function yaml(text: string, env: Record<string, string> = {}): Config {
  return parseConfig(text, "yaml", "test.yaml", { machine, cwd, env });
}

/** Parses TOML as the file `test.toml` on {@linkcode machine} in {@linkcode cwd}. */
export function toml(text: string): Config {
  return parseConfig(text, "toml", "test.toml", { machine, cwd });
}
