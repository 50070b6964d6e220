import assert from "node:assert/strict";
import { describeConfigKeys } from "./describe.ts";
import { CONFIG_KEYS } from "./keys.ts";

Deno.test("describeConfigKeys() is a Markdown table with one row per key", () => {
  const table = describeConfigKeys();
  const lines = table.trimEnd().split("\n");
  assert.equal(lines.length, CONFIG_KEYS.length + 2);
  assert.match(lines[0], /^\| Key \| Environment variable \|/);
  for (const key of CONFIG_KEYS) {
    assert.ok(table.includes(`| \`${key.name}\` | \`${key.env}\` |`), key.name);
  }
  assert.ok(
    table.includes("| `api.port` | `SERVERLEDGE_API_PORT` | an integer from 1 to 65535 | `1323` |"),
  );
  assert.ok(table.includes("half the machine's memory"));
});
