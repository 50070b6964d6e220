import assert from "node:assert/strict";
import { CONFIG_KEYS } from "./keys.ts";

Deno.test("every key has its own environment variable", () => {
  const names = new Set(CONFIG_KEYS.map((k) => k.env));
  assert.equal(names.size, CONFIG_KEYS.length);
  for (const k of CONFIG_KEYS) {
    assert.equal(k.env, `SERVERLEDGE_${k.name.toUpperCase().replaceAll(".", "_")}`);
  }
});
