import assert from "node:assert/strict";
import { yaml } from "../testing/config.ts";

Deno.test("unknown keys are warnings, with a hint for typos", () => {
  const c = yaml("api.prot: 1\ncache.size: 100\nfoo:\n  bar: 1\n");
  assert.equal(c.api.port, 1323);
  assert.deepEqual(c.warnings, [
    'Ignoring unknown config key "api.prot" in "test.yaml": did you mean "api.port"?',
    'Ignoring config key "cache.size" in "test.yaml": this node does not use it',
    'Ignoring unknown config key "foo.bar" in "test.yaml"',
  ]);
});

Deno.test("tracing.enabled is read; tracing.outfile is Serverledge's, ignored with a warning", () => {
  const c = yaml("tracing:\n  enabled: true\n  outfile: traces.json\n");
  assert.equal(c.tracingEnabled, true);
  assert.equal(yaml("").tracingEnabled, false);
  assert.deepEqual(c.warnings, [
    'Ignoring config key "tracing.outfile" in "test.yaml": this node does not use it',
  ]);
});
