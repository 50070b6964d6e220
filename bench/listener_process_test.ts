import assert from "node:assert/strict";
import { startListener } from "./listener_process.ts";

/** A Deno process serving "hi" on the port it is given, after `delayMs`. */
function servesAfter(delayMs: number): (port: number) => string[] {
  return (port) => [
    "eval",
    `setTimeout(() => Deno.serve({ hostname: "127.0.0.1", port: ${port}, onListen() {} }, () => new Response("hi")), ${delayMs})`,
  ];
}

Deno.test("startListener: resolves once the port accepts, and disposing stops the process", async () => {
  const listener = await startListener(Deno.execPath(), servesAfter(300));
  assert.equal(listener.url, `http://127.0.0.1:${listener.port}`);
  assert.equal(await (await fetch(listener.url)).text(), "hi");
  await listener[Symbol.asyncDispose]();
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: listener.port }));
});

Deno.test("startListener: a process that ends before listening fails the start, naming it", async () => {
  await assert.rejects(
    startListener(Deno.execPath(), () => ["eval", "Deno.exit(3)"]),
    /exited before listening on port \d+/,
  );
});

Deno.test("startListener: a missing command fails with NotFound", async () => {
  await assert.rejects(startListener("no-such-command-here", () => []), Deno.errors.NotFound);
});
