// The node as a process: config file argument, leftover cleanup, clean exit on SIGTERM, and
// clear start-up failures.
import assert from "node:assert/strict";
import { exampleFunction } from "./server/testing/functions.ts";
import {
  failedStart,
  freePort,
  spawnMain,
  startNodeProcess,
} from "./server/testing/node_process.ts";
import { postJson } from "./server/testing/post_json.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "inherit" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test(
  "the node reads its config file, removes leftovers and exits cleanly on SIGTERM",
  opts,
  async () => {
    const id = `main-test-${crypto.randomUUID().slice(0, 8)}`;
    const label = `label=serverledge.node=${id}`;
    const leftover = await docker(
      "create",
      "--label",
      `serverledge.node=${id}`,
      "serverledge-python311",
    );
    assert.ok(leftover);
    await using node = await startNodeProcess({ id });
    assert.equal(await docker("ps", "-aq", "--filter", `id=${leftover}`), "", "leftover removed");
    assert.match(node.output(), /Removed 1 container\(s\) left by an earlier run/);

    const create = await postJson(`${node.url}/create`, await exampleFunction("hello", "hello.py"));
    assert.equal(create.status, 200, await create.text());
    const invoke = await postJson(`${node.url}/invoke/hello`, "{}");
    assert.equal((await invoke.json()).Success, true);
    assert.notEqual(await docker("ps", "-aq", "--filter", label), "");

    assert.equal(await node.stop("SIGTERM"), 0, node.output());
    assert.match(node.output(), /SIGTERM received/);
    assert.equal(await docker("ps", "-aq", "--filter", label), "", "containers removed at exit");
  },
);

Deno.test("a bad config value stops the start with a message naming the key", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-main-" });
  try {
    await Deno.writeTextFile(`${dir}/bad.yaml`, "api.port: lots\n");
    const stderr = await failedStart(spawnMain([`${dir}/bad.yaml`]));
    assert.match(stderr, /Cannot start the node: .*"api\.port"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a port in use stops the start with a message naming it", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-main-" });
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = taken.addr as Deno.NetAddr;
  try {
    await Deno.writeTextFile(
      `${dir}/conf.yaml`,
      `api.port: ${port}\nnode.id: main-test-port\ndata.dir: ${dir}/data\n` +
        "container.pool.blank: 0\n",
    );
    const stderr = await failedStart(spawnMain([`${dir}/conf.yaml`]));
    assert.match(stderr, new RegExp(`Cannot start the node: 127\\.0\\.0\\.1:${port} is in use`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a Docker daemon the start says what to run", opts, async () => {
  const stderr = await failedStart(spawnMain([], {
    DOCKER_HOST: "unix:///tmp/no-docker-here.sock",
    SERVERLEDGE_API_PORT: String(freePort()),
  }));
  assert.match(stderr, /no daemon answers at "\/tmp\/no-docker-here.sock".*setup-docker\.sh/);
});

Deno.test(
  "an async request cut short by a crash is reported as failed after the restart",
  opts,
  async () => {
    await using node = await startNodeProcess();
    await postJson(`${node.url}/create`, await exampleFunction("sleepy", "sleep.py"))
      .then((r) => r.body?.cancel());
    const answer = await postJson(`${node.url}/invoke/sleepy`, {
      Params: { seconds: 30 },
      Async: true,
    });
    const { ReqId } = await answer.json();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await node.stop("SIGKILL");
    await node.restart();
    assert.match(node.output(), /Marked 1 async request\(s\) cut short by a restart as failed/);
    const poll = await fetch(`${node.url}/poll/${ReqId}`);
    assert.equal(poll.status, 200);
    const report = await poll.json();
    assert.equal(report.Success, false);
    assert.match(report.Error, /restarted before the request completed/);
  },
);
