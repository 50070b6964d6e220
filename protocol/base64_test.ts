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
