// Start-up checks of the node, with a backend that reports what a bare machine would.
import assert from "node:assert/strict";
import { parseConfig } from "./config/mod.ts";
import type { ContainerBackend } from "./containers/backend.ts";
import { UnavailableError } from "./errors.ts";
import { startNode } from "./node.ts";

const noImages: ContainerBackend = {
  start: () => Promise.reject(new Error("unused")),
  resize: () => Promise.resolve(),
  remove: () => Promise.resolve(),
  inspect: () => Promise.reject(new Error("unused")),
  removeAll: () => Promise.resolve(0),
  hasImage: (image) => Promise.resolve(image !== "serverledge-nodejs18"),
  ping: () => Promise.resolve(),
};

Deno.test("a missing runtime image stops the start and names the script that builds it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const id = `node-test-${crypto.randomUUID().slice(0, 8)}`;
    const config = parseConfig(`data.dir: ${dir}\nnode.id: ${id}\n`, "yaml", "test");
    await assert.rejects(
      startNode(config, { backend: noImages, log: () => {} }),
      (error) =>
        error instanceof UnavailableError &&
        /"serverledge-nodejs18" missing: run "scripts\/build-runtimes.sh"/.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
