// The node as a process: config file argument, leftover cleanup, clean exit on SIGTERM, and
// clear start-up failures.
import assert from "node:assert/strict";
import { exampleFunction } from "./server/testing/functions.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const PERMISSIONS = [
  "--unstable-kv",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
];

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "inherit" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

function startMain(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, "main.ts", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

Deno.test(
  "the node reads its config file, removes leftovers and exits cleanly on SIGTERM",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "serverledge-main-" });
    const nodeId = `main-test-${crypto.randomUUID().slice(0, 8)}`;
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    try {
      const leftover = await docker(
        "create",
        "--label",
        `serverledge.node=${nodeId}`,
        "serverledge-python311",
      );
      assert.ok(leftover);
      const config = `${dir}/node.toml`;
      await Deno.writeTextFile(
        config,
        `"api.port" = ${port}\n"node.id" = "${nodeId}"\n"data.dir" = "${dir}/data"\n`,
      );
      const child = startMain([config]);
      const stdout = readAll(child.stdout);
      const stderr = readAll(child.stderr);
      let up = false;
      for (let i = 0; i < 200 && !up; i++) {
        up = await fetch(`${url}/status`).then(
          async (r) => (await r.body?.cancel(), r.ok),
          () => false,
        );
        if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(up, "the node answers /status");
      assert.equal(await docker("ps", "-aq", "--filter", `id=${leftover}`), "", "leftover removed");

      const create = await fetch(`${url}/create`, {
        method: "POST",
        body: JSON.stringify(await exampleFunction("hello", "hello.py")),
      });
      assert.equal(create.status, 200, await create.text());
      const invoke = await fetch(`${url}/invoke/hello`, { method: "POST", body: "{}" });
      assert.equal((await invoke.json()).Success, true);
      const label = `label=serverledge.node=${nodeId}`;
      assert.notEqual(await docker("ps", "-aq", "--filter", label), "");

      child.kill("SIGTERM");
      const status = await child.status;
      assert.equal(status.code, 0, await stderr);
      assert.match(await stdout, /SIGTERM received/);
      assert.equal(await docker("ps", "-aq", "--filter", label), "", "containers removed at exit");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("a bad config value stops the start with a message naming the key", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-main-" });
  try {
    await Deno.writeTextFile(`${dir}/bad.yaml`, "api.port: lots\n");
    const child = startMain([`${dir}/bad.yaml`]);
    const [status, stderr] = await Promise.all([child.status, readAll(child.stderr)]);
    await child.stdout.cancel();
    assert.equal(status.code, 1);
    assert.match(stderr, /Cannot start the node: .*"api\.port"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a Docker daemon the start says what to run", opts, async () => {
  const child = startMain([], {
    DOCKER_HOST: "unix:///tmp/no-docker-here.sock",
    SERVERLEDGE_API_PORT: String(freePort()),
  });
  const [status, stderr] = await Promise.all([child.status, readAll(child.stderr)]);
  await child.stdout.cancel();
  assert.equal(status.code, 1);
  assert.match(stderr, /no daemon answers at "\/tmp\/no-docker-here.sock".*setup-docker\.sh/);
});
