/**
 * The README's table of config keys, made from {@linkcode CONFIG_KEYS}.
 *
 * @module
 */
import { CONFIG_KEYS } from "./keys.ts";

/**
 * A Markdown table of {@linkcode CONFIG_KEYS}: key, environment variable, accepted values,
 * default and description, one row per key.
 *
 * @example
 * ```ts
 * import { describeConfigKeys } from "./describe.ts";
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
