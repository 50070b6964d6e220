import assert from "node:assert/strict";
import { decodeBase64, encodeBase64 } from "./base64.ts";

Deno.test("base64 round-trips bytes larger than one chunk", () => {
  const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256);
  assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
});

Deno.test("decodeBase64 ignores white space and refuses what is not base64", () => {
  assert.deepEqual(decodeBase64("aGVs\nbG8="), new TextEncoder().encode("hello"));
  assert.equal(decodeBase64("not base64!"), undefined);
  assert.equal(decodeBase64("abcde"), undefined);
});

Deno.test("without the engine's base64 (older browsers) the chunked code gives the same", async () => {
  const prototype = Uint8Array.prototype as unknown as Record<string, unknown>;
  const statics = Uint8Array as unknown as Record<string, unknown>;
  const saved = { toBase64: prototype.toBase64, fromBase64: statics.fromBase64 };
  delete prototype.toBase64;
  delete statics.fromBase64;
  try {
    const url = new URL("./base64.ts?without-native", import.meta.url).href;
    const fallback: typeof import("./base64.ts") = await import(url);
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256);
    assert.equal(fallback.encodeBase64(bytes), encodeBase64(bytes));
    assert.deepEqual(fallback.decodeBase64(encodeBase64(bytes)), bytes);
    assert.deepEqual(fallback.decodeBase64("aGVs\nbG8="), new TextEncoder().encode("hello"));
    assert.equal(fallback.decodeBase64("not base64!"), undefined);
  } finally {
    prototype.toBase64 = saved.toBase64;
    statics.fromBase64 = saved.fromBase64;
  }
});
