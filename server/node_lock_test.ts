// The node's data dir and node id locks: in one process, across processes (released when the
// holder dies), and with real node processes (a second node refuses and touches nothing).
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { ConflictError } from "./errors.ts";
import { DATA_DIR_LOCK_FILE, lockNode } from "./node_lock.ts";
import { exampleFunction } from "./testing/functions.ts";
import { freePort, spawnMain, startNodeProcess } from "./testing/node_process.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("a second lock of the same data dir or node id is refused, naming the holder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "node-lock-" });
  try {
    const idLockDir = `${dir}/ids`;
    const first = await lockNode({ nodeId: "edge-1", dataDir: `${dir}/a`, idLockDir });
    await assert.rejects(
      lockNode({ nodeId: "edge-2", dataDir: `${dir}/a`, idLockDir }),
      (error) =>
        error instanceof ConflictError &&
        error.message === `Data dir "${dir}/a" is in use by node "edge-1" (pid ${Deno.pid}): ` +
            "stop that node first, or give this one another data.dir",
    );
    await assert.rejects(
      lockNode({ nodeId: "edge-1", dataDir: `${dir}/b`, idLockDir }),
      (error) =>
        error instanceof ConflictError &&
        error.message === `Node id "edge-1" is in use by another node on this machine ` +
            `(pid ${Deno.pid}, data dir "${dir}/a"): stop that node first, or give this one ` +
            "another node.id",
    );
    const other = await lockNode({ nodeId: "edge-2", dataDir: `${dir}/b`, idLockDir });
    other.release();
    first.release();
    assert.equal(await exists(`${dir}/a/${DATA_DIR_LOCK_FILE}`), false, "lock files are removed");
    assert.equal(await exists(`${idLockDir}/edge-1.lock`), false);
    using again = await lockNode({ nodeId: "edge-1", dataDir: `${dir}/a`, idLockDir });
    assert.ok(again);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a data dir only the node id is locked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "node-lock-" });
  try {
    const idLockDir = `${dir}/ids`;
    using _first = await lockNode({ nodeId: "edge-1", idLockDir });
    using _second = await lockNode({ nodeId: "edge-2", idLockDir });
    await assert.rejects(
      lockNode({ nodeId: "edge-1", dataDir: `${dir}/a`, idLockDir }),
      (error) =>
        error instanceof ConflictError &&
        error.message === `Node id "edge-1" is in use by another node on this machine ` +
            `(pid ${Deno.pid}): stop that node first, or give this one another node.id`,
    );
    assert.equal(
      await exists(`${dir}/a/${DATA_DIR_LOCK_FILE}`),
      false,
      "the refused one left none",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a lock is released when its process dies", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "node-lock-" });
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockNode } from ${JSON.stringify(new URL("./node_lock.ts", import.meta.url).href)};
       await lockNode({ nodeId: "edge-1", dataDir: ${JSON.stringify(dir)},
         idLockDir: ${JSON.stringify(dir)} });
       console.log("locked");
       setTimeout(() => {}, 60_000);`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = holder.stdout.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /locked/);
    await assert.rejects(
      lockNode({ nodeId: "edge-2", dataDir: dir, idLockDir: dir }),
      /is in use by node "edge-1"/,
    );
    holder.kill("SIGKILL");
    await holder.status;
    reader.releaseLock();
    await holder.stdout.cancel();
    assert.equal(await exists(`${dir}/${DATA_DIR_LOCK_FILE}`), true, "its files are left behind");
    using lock = await lockNode({ nodeId: "edge-1", dataDir: dir, idLockDir: dir });
    assert.ok(lock, "a stale lock file does not stop the next node");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Starts `main.ts` with `config` over a free port; resolves its exit code and stderr. */
async function secondStart(config: Record<string, unknown>): Promise<[number, string]> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-second-" });
  try {
    await Deno.writeTextFile(
      `${dir}/conf.yaml`,
      stringify({ "api.port": freePort(), "data.dir": `${dir}/data`, ...config }),
    );
    const child = spawnMain([`${dir}/conf.yaml`]);
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    await child.stdout.cancel();
    return [status.code, stderr];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test(
  "a second node with the same node id or data dir refuses to start and touches nothing",
  opts,
  async () => {
    await using first = await startNodeProcess();
    const created = await first.post("/create", await exampleFunction("hello", "hello.py"));
    assert.equal(created.status, 200);
    assert.equal((await first.post("/invoke/hello", {})).body.Success, true);
    const label = `label=serverledge.node=${first.id}`;
    const containers = await docker("ps", "-aq", "--no-trunc", "--filter", label);
    assert.notEqual(containers, "");

    const [sameId, idError] = await secondStart({ "node.id": first.id });
    assert.equal(sameId, 1, idError);
    assert.match(
      idError,
      new RegExp(
        `Cannot start the node: Node id "${first.id}" is in use by another node on ` +
          `this machine \\(pid \\d+, data dir "${first.dataDir}"\\): stop that node first`,
      ),
    );
    const [sameDir, dirError] = await secondStart({
      "node.id": "other",
      "data.dir": first.dataDir,
    });
    assert.equal(sameDir, 1, dirError);
    assert.match(
      dirError,
      new RegExp(
        `Cannot start the node: Data dir "${first.dataDir}" is in use by node ` +
          `"${first.id}" \\(pid \\d+\\): stop that node first, or give this one another data.dir`,
      ),
    );

    assert.equal(await docker("ps", "-aq", "--no-trunc", "--filter", label), containers);
    const warm = await first.post("/invoke/hello", {});
    assert.equal(warm.body.Success, true, JSON.stringify(warm.body));
    assert.equal(warm.body.IsWarmStart, true, "the first node's container still serves");
    const listed = await fetch(`${first.url}/function`).then((r) => r.json());
    assert.deepEqual(listed, ["hello"]);
  },
);

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
