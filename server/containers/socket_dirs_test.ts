// How the Docker backend reaches executors, on the real daemon: on a Unix socket in a
// directory of the container's own when the image declares it (the built-in runtimes), on the
// published TCP port otherwise; whether calls may be pipelined, as the image declares; and the
// directories' life, from creation to removal.
import assert from "node:assert/strict";
import { join } from "node:path";
import helloPy from "../../examples/hello.py" with { type: "text" };
import { parseConfig } from "../config/mod.ts";
import { UnavailableError } from "../errors.ts";
import { containerSandbox } from "../node.ts";
import { buildTestImage } from "../testing/docker_image.ts";
import { DockerBackend, TRANSPORT_LABEL } from "./docker.ts";
import { PIPELINING_LABEL } from "./executor_transport.ts";
import { encodeExecutorCode, type Executor } from "./executor.ts";
import {
  CONTAINER_SOCKET_DIR,
  type DirectoryWatch,
  SOCKET_NAME,
  socketAppears,
  SocketDirs,
} from "./socket_dirs.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const decoder = new TextDecoder();
const hello = encodeExecutorCode([
  { path: "hello.py", mode: 0o644, data: new TextEncoder().encode(helloPy) },
]);

/** Readiness, code and an invocation of `hello.py` all go through `executor`. */
async function assertServesHello(executor: Executor): Promise<void> {
  await executor.waitUntilReady(10_000);
  await executor.init(hello);
  const reply = await executor.invoke(
    { Handler: "hello.handler", Params: { name: "Ann" }, ReturnOutput: false, Context: {} },
    AbortSignal.timeout(5000),
  );
  assert.deepEqual([reply.Success, reply.Result], [true, '"Hello, Ann!"']);
}

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`docker ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
  return decoder.decode(out.stdout).trim();
}

/** A backend of its own node id, with its socket directories under a temporary root. */
async function testBackend(): Promise<DockerBackend & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "sockets-" });
  const backend = new DockerBackend({
    nodeId: `sockets-test-${crypto.randomUUID().slice(0, 8)}`,
    sandbox: containerSandbox(parseConfig("{}", "yaml", "test")),
    socketRoot: root,
  });
  return Object.assign(backend, {
    [Symbol.asyncDispose]: async () => {
      await backend.removeAll();
      await Deno.remove(root, { recursive: true });
    },
  });
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test(
  "a runtime image's executor is reached on a socket of its own, with no published port",
  opts,
  async () => {
    await using backend = await testBackend();
    const handle = await backend.start({
      image: "serverledge-python311",
      memoryMB: 128,
      cpus: 0,
      labels: {},
    });
    assert.match(handle.executor.url, new RegExp(`^unix:${backend.socketsDir}/[0-9a-f]{16}/`));
    assert.equal(handle.executor.pipelining, true, "the runtime images declare it");
    const socket = handle.executor.url.slice("unix:".length);
    const dir = join(socket, "..");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [SOCKET_NAME]);
    const info = await Deno.stat(dir);
    assert.equal(info.uid, Deno.uid(), "sealed: the directory is the node's again");
    assert.equal(info.mode! & 0o777, 0o755);
    assert.equal((await Deno.stat(socket)).uid, 1000, "the executor's user made the socket");

    const [inspected] = JSON.parse(await docker("inspect", handle.id));
    const published = Object.values(inspected.NetworkSettings.Ports ?? {}).filter(Boolean);
    assert.deepEqual(published, [], "no published port");
    assert.ok(
      inspected.Config.Env.includes(`EXECUTOR_SOCKET=${CONTAINER_SOCKET_DIR}/${SOCKET_NAME}`),
    );

    await assertServesHello(handle.executor);

    await backend.remove(handle.id);
    assert.equal(await exists(dir), false, "the directory goes with its container");
  },
);

Deno.test("a custom image that declares no socket keeps TCP port 8080", opts, async () => {
  const executor = await Deno.readTextFile(
    new URL("../../runtimes/python311/executor.py", import.meta.url),
  );
  await using built = await buildTestImage(
    "FROM serverledge-base:bookworm\nCOPY executor.py /executor.py\nUSER 1000:1000\n" +
      'CMD ["python3", "/executor.py"]\n',
    { "executor.py": executor },
  );
  const image = built.name;
  assert.equal(
    await docker("image", "inspect", "--format", `{{json .Config.Labels}}`, image),
    "null",
  );
  await using backend = await testBackend();
  const handle = await backend.start({ image, memoryMB: 128, cpus: 0, labels: {} });
  assert.match(handle.executor.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(handle.executor.pipelining, false, "an image that does not say gets no pipelining");
  assert.equal(await exists(backend.socketsDir), false, "no socket directory was made");
  const [inspected] = JSON.parse(await docker("inspect", handle.id));
  assert.equal(inspected.NetworkSettings.Ports["8080/tcp"][0].HostIp, "127.0.0.1");
  assert.deepEqual(inspected.Mounts.filter((m: { Type: string }) => m.Type !== "tmpfs"), []);
  await assertServesHello(handle.executor);
});

Deno.test(
  "removeAll removes the socket directories, those of an earlier run too",
  opts,
  async () => {
    await using backend = await testBackend();
    await Deno.mkdir(join(backend.socketsDir, "0123456789abcdef"), { recursive: true });
    const handle = await backend.start({
      image: "serverledge-nodejs18",
      memoryMB: 128,
      cpus: 0,
      labels: {},
    });
    assert.match(handle.executor.url, /^unix:/);
    assert.equal([...Deno.readDirSync(backend.socketsDir)].length, 2);
    assert.equal(await backend.removeAll(), 1);
    assert.equal(await exists(backend.socketsDir), false);
  },
);

Deno.test("an image with a transport other than unix or tcp is refused clearly", opts, async () => {
  await using built = await buildTestImage(
    `FROM serverledge-python311\nLABEL ${TRANSPORT_LABEL}=quic\n`,
  );
  const image = built.name;
  await using backend = await testBackend();
  await assert.rejects(
    backend.start({ image, memoryMB: 128, cpus: 0, labels: {} }),
    (error) =>
      error instanceof UnavailableError &&
      /sets the label serverledge\.executor\.transport to "quic": make it "unix"/.test(
        error.message,
      ),
  );
  assert.equal(await exists(backend.socketsDir), false);
});

Deno.test(
  "an image declares pipelining with sequential; another value is refused clearly",
  opts,
  async () => {
    await using tcp = await buildTestImage(
      `FROM serverledge-python311\nLABEL ${TRANSPORT_LABEL}=tcp\nLABEL ${PIPELINING_LABEL}=sequential\n`,
    );
    await using none = await buildTestImage(
      `FROM serverledge-python311\nLABEL ${PIPELINING_LABEL}=none\n`,
    );
    await using odd = await buildTestImage(
      `FROM serverledge-python311\nLABEL ${PIPELINING_LABEL}=yes\n`,
    );
    await using backend = await testBackend();
    const overTcp = await backend.start({ image: tcp.name, memoryMB: 128, cpus: 0, labels: {} });
    assert.match(overTcp.executor.url, /^http:/);
    assert.equal(overTcp.executor.pipelining, true);
    const unlabelled = await backend.start({
      image: none.name,
      memoryMB: 128,
      cpus: 0,
      labels: {},
    });
    assert.equal(unlabelled.executor.pipelining, false);
    await assert.rejects(
      backend.start({ image: odd.name, memoryMB: 128, cpus: 0, labels: {} }),
      (error) =>
        error instanceof UnavailableError &&
        /sets the label serverledge\.executor\.pipelining to "yes": make it "sequential"/.test(
          error.message,
        ),
    );
  },
);

Deno.test("socket paths fit in sun_path: a long node id gets a digest for a name", () => {
  assert.equal(
    new SocketDirs("/run/serverledge", "edge-1-1323").nodeDir,
    "/run/serverledge/edge-1-1323",
  );
  const long = new SocketDirs("/run/serverledge", `node-${"x".repeat(80)}`).nodeDir;
  assert.match(long, /^\/run\/serverledge\/node-[0-9a-f]{16}$/);
  assert.notEqual(long, new SocketDirs("/run/serverledge", `node-${"y".repeat(80)}`).nodeDir);
  assert.match(new SocketDirs("/run/serverledge", "../up").nodeDir, /\/node-[0-9a-f]{16}$/);
  assert.throws(() => new SocketDirs(`/${"r".repeat(100)}`, "n"), /too long/);
});

Deno.test("socketAppears: a socket is found without its directory's changes, or any watch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "socket-appears-" });
  const socket = join(dir, SOCKET_NAME);
  const silent: DirectoryWatch = () => {
    let close = () => {};
    const closed = new Promise<void>((resolve) => (close = resolve));
    // A watch that reports no change until it is closed.
    const end = { done: true, value: undefined } as const;
    return {
      close,
      [Symbol.asyncIterator]: () => ({ next: () => closed.then(() => end) }),
    } as unknown as Deno.FsWatcher;
  };
  const none: DirectoryWatch = () => {
    throw new Error("inotify instances used up");
  };
  try {
    for (const watch of [silent, none]) {
      assert.equal(await socketAppears(dir, socket, 100, watch), false, "nothing there");
      const waiting = socketAppears(dir, socket, 10_000, watch);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const listener = Deno.listen({ transport: "unix", path: socket });
      try {
        assert.equal(await waiting, true, "found by looking again");
      } finally {
        listener.close();
        await Deno.remove(socket).catch(() => {});
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("socketAppears: woken by the socket's creation, not before, and gives up in time", async () => {
  const dir = await Deno.makeTempDir({ prefix: "socket-appears-" });
  const socket = join(dir, SOCKET_NAME);
  try {
    assert.equal(await socketAppears(dir, socket, 100), false, "nothing there");
    await Deno.writeTextFile(socket, "a file of the socket's name");
    assert.equal(await socketAppears(dir, socket, 100), false, "a plain file is no socket");
    await Deno.remove(socket);

    const waiting = socketAppears(dir, socket, 10_000);
    const since = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const listener = Deno.listen({ transport: "unix", path: socket });
    try {
      assert.equal(await waiting, true);
      assert.ok(performance.now() - since < 5000, "woken by the creation, not by the timeout");
      assert.equal(await socketAppears(dir, socket, 100), true, "there already");
    } finally {
      listener.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
