// The committed bundle (dashboard/dist) must be what the sources build to, and stay lean.
import assert from "node:assert/strict";
import { join } from "node:path";
import { BUNDLE_FILES, DIST_DIR, staleFiles } from "../scripts/build_dashboard.ts";
import { PROJECT_ROOT } from "../scripts/binaries.ts";

const MAX_BYTES = 300 * 1024;

Deno.test("dashboard/dist is built from the current sources", async () => {
  const stale = await staleFiles();
  assert.deepEqual(
    stale,
    [],
    `Out of date: ${stale.join(", ")}; run "deno run -A scripts/build_dashboard.ts" and commit`,
  );
});

Deno.test("the bundle stays lean", async () => {
  let total = 0;
  for (const name of BUNDLE_FILES) {
    total += (await Deno.stat(join(PROJECT_ROOT, DIST_DIR, name))).size;
  }
  assert.ok(total < MAX_BYTES, `${total} bytes (limit ${MAX_BYTES})`);
});
