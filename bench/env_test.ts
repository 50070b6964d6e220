import assert from "node:assert/strict";
import { envNumber, envNumbers } from "./env.ts";

Deno.test("envNumbers and envNumber: the variable's numbers, the default when unset, an error naming it when bad", () => {
  const name = `BENCH_TEST_${crypto.randomUUID().slice(0, 8)}`;
  try {
    assert.deepEqual(envNumbers(name, [1, 4]), [1, 4]);
    assert.equal(envNumber(name, 8), 8);
    Deno.env.set(name, "32, 128");
    assert.deepEqual(envNumbers(name, [1]), [32, 128]);
    assert.throws(() => envNumber(name, 1), new RegExp(`${name} must be one number`));
    Deno.env.set(name, "2.5");
    assert.equal(envNumber(name, 1), 2.5);
    for (const bad of ["", "ten", "4,", "0", "-3"]) {
      Deno.env.set(name, bad);
      assert.throws(() => envNumbers(name, [1]), new RegExp(`${name} must be positive numbers`));
    }
  } finally {
    Deno.env.delete(name);
  }
});
