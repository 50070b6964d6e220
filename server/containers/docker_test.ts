// The Docker backend's confinement of function containers, on the real daemon: what `docker
// inspect` shows, and what a hostile function manages to do from inside.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { builtInImages } from "../runtimes/catalog.ts";
import { buildTestImage } from "../testing/docker_image.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";
import { sleep } from "../timing/sleep.ts";
import { dirname, join } from "node:path";
import { parseConfig } from "../config/mod.ts";
import { containerSandbox } from "../node.ts";
import { DockerBackend, FUNCTION_NETWORK, LOG_MAX_SIZE, NOFILE_LIMIT } from "./docker.ts";
import { CONTAINER_SOCKET_DIR, DEFAULT_SOCKET_ROOT, SOCKET_NAME } from "./socket_dirs.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const HOSTILE = new URL("./testdata/hostile.py", import.meta.url);
const MIB = 1024 * 1024;

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Creates `hostile-<handler>` (extra fields over the defaults) on `node`. */
async function createHostile(
  node: TestNode,
  handler: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const name = `hostile-${handler}`;
  const data = await Deno.readFile(HOSTILE);
  const created = await node.post("/create", {
    Name: name,
    Runtime: "python311",
    MemoryMB: 256,
    Handler: `hostile.${handler}`,
    TarFunctionCode: encodeBase64(writeTar([{ name: "hostile.py", data }])),
    ...extra,
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  return name;
}

/** Invokes `name` and returns the handler's result (the function must succeed). */
async function run(node: TestNode, name: string, params: Record<string, unknown> = {}) {
  const answer = await node.post(`/invoke/${name}`, { Params: params });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return JSON.parse(answer.body.Result as string);
}

/** `docker inspect` of the one container of function `name` on `node`. */
async function inspectContainerOf(node: TestNode, name: string) {
  const id = await docker(
    "ps",
    "-q",
    "--filter",
    `label=serverledge.node=${node.node.services.identity.id}`,
    "--filter",
    `label=serverledge.function=${name}`,
  );
  assert.equal(id.split("\n").length, 1, `one container of ${name}`);
  return JSON.parse(await docker("inspect", id))[0];
}

Deno.test(
  "containers get a read-only root, sized tmpfs, a capped log, CPU and nofile limits",
  opts,
  async () => {
    await using node = await startTestNode({
      config: {
        "container.disk.mb": 32,
        "container.cpus.default": 0.5,
        "code.max.size": 8 * MIB,
      },
    });
    const name = await createHostile(node, "inside");
    const inside = await run(node, name);
    assert.deepEqual(inside.nofile, [NOFILE_LIMIT, NOFILE_LIMIT]);
    assert.deepEqual(inside.docker_sockets, [], "no Docker socket inside");

    const { HostConfig: host, Mounts: mounts, NetworkSettings: networkSettings } =
      await inspectContainerOf(node, name);
    assert.equal(host.ReadonlyRootfs, true);
    // 8 MiB of code plus a 4 KiB page for each of at most 10,000 entries: 48 MB.
    assert.deepEqual(host.Tmpfs, {
      "/tmp": "rw,nosuid,nodev,exec,size=32m",
      "/app": "rw,nosuid,nodev,exec,uid=1000,gid=1000,size=48m",
    });
    assert.equal(host.ShmSize, 32 * MIB);
    assert.deepEqual(host.LogConfig, {
      Type: "json-file",
      Config: { "max-size": LOG_MAX_SIZE, "max-file": "1" },
    });
    assert.equal(host.NanoCpus, 0.5e9, "the default CPU limit, as CPUDemand is 0");
    assert.deepEqual(host.Ulimits, [{ Name: "nofile", Soft: NOFILE_LIMIT, Hard: NOFILE_LIMIT }]);
    // Of the host, only the container's own socket directory is mounted (no Docker socket).
    const binds = mounts.filter((m: { Type: string }) => m.Type !== "tmpfs");
    assert.equal(binds.length, 1, JSON.stringify(mounts));
    assert.equal(binds[0].Type, "bind");
    assert.equal(binds[0].Destination, CONTAINER_SOCKET_DIR);
    assert.equal(
      dirname(binds[0].Source),
      join(DEFAULT_SOCKET_ROOT, node.node.services.identity.id),
    );
    const published = Object.values(networkSettings.Ports ?? {}).filter((b) => b !== null);
    assert.deepEqual(published, [], "no published port");
    // In it the function sees its socket alone, and can neither add a file nor take it back.
    assert.equal(inside.socket_dir, CONTAINER_SOCKET_DIR);
    assert.deepEqual(inside.socket_dir_listing, [SOCKET_NAME]);
    assert.equal(inside.socket_dir_write, "Permission denied");
    assert.equal(inside.socket_dir_chmod, "Operation not permitted");
  },
);

Deno.test(
  "a blank container resized for a function without CPUDemand keeps the default CPU limit",
  opts,
  async () => {
    await using node = await startTestNode({
      config: { "container.pool.blank": 1, "container.cpus.default": 0.25 },
    });
    const runtimes = builtInImages().length;
    const allBlanks = async () => {
      const deadline = Date.now() + 20_000;
      const blanks = async () =>
        ((await node.get("/status")).body as { Pool: { Blank: number } }).Pool.Blank;
      while (await blanks() < runtimes && Date.now() < deadline) await sleep(50);
    };
    await allBlanks();
    await run(node, await createHostile(node, "inside"));
    await allBlanks(); // the taken one was replaced
    const ids = await docker(
      "ps",
      "-q",
      "--filter",
      `label=serverledge.node=${node.node.services.identity.id}`,
    );
    const limits = await Promise.all(
      ids.split("\n").map(async (id) => {
        const { HostConfig } = JSON.parse(await docker("inspect", id))[0];
        return [HostConfig.Memory / MIB, HostConfig.NanoCpus / 1e9];
      }),
    );
    assert.deepEqual(
      limits.sort(([a], [b]) => a - b),
      [...Array(runtimes).fill([32, 0.25]), [256, 0.25]],
      "a blank container per runtime, and the taken one resized to the function's memory",
    );
  },
);

Deno.test(
  "writes past the writable space fail inside the function, and the node keeps serving",
  opts,
  async () => {
    await using node = await startTestNode({
      config: { "container.disk.mb": 16, "code.max.size": 1 * MIB },
    });
    const fill = await createHostile(node, "fill");
    const tmp = await run(node, fill, { path: "/tmp/fill", mb: 64 });
    assert.ok(tmp.written_mb <= 16, JSON.stringify(tmp));
    assert.match(tmp.error, /No space left on device/);
    // The code directory holds 1 MiB of code and a page per entry: 40 MB.
    const code = await run(node, fill, { path: "/app/fill", mb: 64 });
    assert.ok(code.written_mb <= 40, JSON.stringify(code));
    assert.match(code.error, /No space left on device/);
    for (const path of ["/fill", "/var/tmp/fill", "/executor/fill"]) {
      const root = await run(node, fill, { path, mb: 1 });
      assert.equal(root.written_mb, 0, path);
      assert.match(root.error, /Read-only file system/, path);
    }
    const { SizeRw } = JSON.parse(
      await docker("inspect", "--size", (await inspectContainerOf(node, fill)).Id),
    )[0];
    assert.ok(SizeRw < MIB, `the container layer grew by ${SizeRw} bytes`);

    const spam = await createHostile(node, "spam");
    assert.deepEqual(await run(node, spam, { mb: 8 }), { written_mb: 8 });
    // json-file keeps the current file and the one before it.
    const { LogPath } = await inspectContainerOf(node, spam);
    let logBytes = 0;
    for (const path of [LogPath, `${LogPath}.1`]) {
      logBytes += await Deno.stat(path).then((info) => info.size, () => 0);
    }
    assert.ok(logBytes > 0 && logBytes <= 2 * MIB, `Docker's log holds ${logBytes} bytes`);

    assert.deepEqual(await run(node, fill, { path: "/tmp/fill", mb: 1 }), {
      written_mb: 1,
      error: "",
    });
    assert.equal((await node.get("/status")).status, 200);
  },
);

Deno.test("a custom image gets its code directory, owned by its user", opts, async () => {
  await using image = await buildTestImage(
    "FROM serverledge-python311\nUSER 0\nENV EXECUTOR_CODE_DIR=/srv/code\n",
  );
  await using node = await startTestNode();
  const name = await createHostile(node, "inside", { Runtime: "custom", CustomImage: image.name });
  assert.equal((await run(node, name)).code_dir, "/srv/code");
  const { HostConfig: host } = await inspectContainerOf(node, name);
  assert.equal(host.ReadonlyRootfs, true);
  assert.match(host.Tmpfs["/srv/code"], /,uid=0,size=/);
  // It runs as the node's own user (root), so it is reached on its published port, not a socket.
  const { NetworkSettings: network } = await inspectContainerOf(node, name);
  assert.equal(network.Ports["8080/tcp"][0].HostIp, "127.0.0.1");
});

Deno.test(
  "a backend never pinged makes the function network before its first container",
  opts,
  async () => {
    const attached = await docker(
      "network",
      "inspect",
      "--format",
      "{{len .Containers}}",
      FUNCTION_NETWORK,
    );
    if (attached !== "" && attached !== "0") {
      assert.fail(
        `containers left on ${FUNCTION_NETWORK}: ${attached}`,
      );
    }
    if (attached === "0") await docker("network", "rm", FUNCTION_NETWORK);
    assert.equal(await docker("network", "ls", "-q", "--filter", `name=^${FUNCTION_NETWORK}$`), "");
    const backend = new DockerBackend({
      nodeId: `network-test-${crypto.randomUUID().slice(0, 8)}`,
      sandbox: containerSandbox(parseConfig("{}", "yaml", "test")),
    });
    try {
      const { id } = await backend.start({
        image: "serverledge-python311",
        memoryMB: 64,
        cpus: 0,
        labels: {},
      });
      const networks = JSON.parse(
        await docker("inspect", "--format", "{{json .NetworkSettings.Networks}}", id),
      );
      assert.deepEqual(Object.keys(networks), [FUNCTION_NETWORK]);
    } finally {
      await backend.removeAll();
    }
  },
);
