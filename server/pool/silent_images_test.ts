import assert from "node:assert/strict";
import { ExecutorError } from "../containers/executor.ts";
import { SILENT_HOLD_MS, SilentImages } from "./silent_images.ts";

Deno.test("an image whose executor never answered fails at once, for a while", () => {
  let now = 1_000_000;
  const silent = new SilentImages(() => now);
  silent.check("mute");
  silent.record("mute", new ExecutorError("timeout", "did not become ready"));
  silent.record("other", new ExecutorError("protocol", "broke HTTP"));
  silent.check("other");
  now += 5_000;
  assert.throws(
    () => silent.check("mute"),
    (error) =>
      error instanceof ExecutorError && error.failure === "timeout" &&
      /^did not become ready \(a container of image "mute" was started 5 s ago; the next one starts 55 s from now\)$/
        .test(error.message),
  );
  now += SILENT_HOLD_MS;
  silent.check("mute");
  silent.check("mute");
});

Deno.test("an image that answered again is no longer silent", () => {
  const silent = new SilentImages(() => 0);
  silent.record("img", new ExecutorError("timeout", "did not become ready"));
  silent.record("img");
  silent.check("img");
});
