// The pool on the real Docker daemon: limits and labels on containers, concurrent cold starts,
// expiry by the janitor, custom images.
import assert from "node:assert/strict";
import { builtInImages } from "../runtimes/catalog.ts";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";
import { until } from "../testing/until.ts";
import { sleep } from "../timing/sleep.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("containers carry limits, the node label, and no privileges", opts, async () => {
  await using node = await startTestNode();
  await node.post("/create", await exampleFunction("double", "double.py", { CPUDemand: 0.5 }));
  await node.post("/invoke/double", {});
  const id = node.node.services.identity.id;
  const [container] = (await docker("ps", "-q", "--filter", `label=serverledge.node=${id}`))
    .split("\n");
  const inspected = JSON.parse(await docker("inspect", container))[0];
  const host = inspected.HostConfig;
  assert.equal(host.Memory, 128 * 1024 * 1024);
  assert.equal(host.MemorySwap, 128 * 1024 * 1024);
  assert.equal(host.NanoCpus, 0.5e9);
  assert.equal(host.PidsLimit, 256);
  assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
  assert.deepEqual(host.CapDrop, ["ALL"]);
  assert.equal(host.Privileged, false);
  assert.equal(inspected.Config.Labels["serverledge.function"], "double");
  assert.notEqual(inspected.Config.User, "", "the executor does not run as root");
  // A built-in image's executor is reached on its Unix socket: no port is published at all.
  const published = Object.values(inspected.NetworkSettings.Ports ?? {}).filter(Boolean);
  assert.deepEqual(published, [], "no published port");
  assert.equal(host.NetworkMode, "serverledge-functions");
  const network = JSON.parse(await docker("network", "inspect", "serverledge-functions"))[0];
  assert.equal(
    network.Options["com.docker.network.bridge.enable_icc"],
    "false",
    "functions cannot reach each other's executors",
  );
});

Deno.test(
  "concurrent invocations beyond what memory holds wait for a container",
  opts,
  async () => {
    await using node = await startTestNode({ config: { "container.pool.memory": 400 } });
    await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => node.post("/invoke/sleepy", { Params: { seconds: 1.5 } })),
    );
    const reports = JSON.stringify(answers.map((a) => a.body));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200], reports);
    const status = (await node.get("/status")).body as {
      AvailableWarmContainers: Record<string, number>;
    };
    assert.ok(status.AvailableWarmContainers.sleepy <= 3, "three 128 MB containers fit in 400 MB");
    const warm = answers.filter((a) => a.body.IsWarmStart === true).length;
    assert.ok(warm >= 1, `a request ran on a container an earlier one had used: ${reports}`);
  },
);

Deno.test("the janitor removes idle containers after the expiration", opts, async () => {
  await using node = await startTestNode({
    config: { "container.expiration": 1, "janitor.interval": 1 },
  });
  await node.post("/create", await exampleFunction("double", "double.py"));
  await node.post("/invoke/double", {});
  const id = node.node.services.identity.id;
  const filter = `label=serverledge.node=${id}`;
  assert.notEqual(await docker("ps", "-q", "--filter", filter), "");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && await docker("ps", "-aq", "--filter", filter) !== "") {
    await sleep(200);
  }
  assert.equal(await docker("ps", "-aq", "--filter", filter), "");
  const again = await node.post("/invoke/double", {});
  assert.equal(again.body.IsWarmStart, false);
});

Deno.test("a custom image honouring the executor contract runs functions", opts, async () => {
  await using node = await startTestNode();
  const custom = await exampleFunction("mysieve", "sieve.js", {
    Runtime: "custom",
    CustomImage: "serverledge-nodejs18",
  });
  const created = await node.post("/create", custom);
  assert.deepEqual(created.body, { Created: "mysieve", Runtime: "custom" });
  const result = await node.post("/invoke/mysieve", { Params: { n: 10 } });
  assert.equal(JSON.parse(result.body.Result as string).Primes, 4);

  await node.post("/create", { ...custom, Name: "ghost", CustomImage: "no-such-image:1" });
  const missing = await node.post("/invoke/ghost", {});
  assert.equal(missing.status, 503);
  assert.match(missing.body.Error as string, /Image "no-such-image:1" is not available locally/);
});

Deno.test(
  "with container.pool.blank a cold start uses a resized blank container",
  opts,
  async () => {
    await using node = await startTestNode({ config: { "container.pool.blank": 1 } });
    const id = node.node.services.identity.id;
    const blanks = async () =>
      ((await node.get("/status")).body as { Pool: { Blank: number } }).Pool.Blank;
    const runtimes = builtInImages().length;
    const allBlanks = async () => {
      const deadline = Date.now() + 20_000;
      while (await blanks() < runtimes && Date.now() < deadline) {
        await sleep(50);
      }
      assert.equal(await blanks(), runtimes, "one blank container per built-in runtime");
    };
    await allBlanks();

    await node.post("/create", await exampleFunction("double", "double.py", { MemoryMB: 96 }));
    const cold = await node.post("/invoke/double", { Params: { a: 2, b: 5 } });
    assert.equal(cold.body.IsWarmStart, false);
    assert.equal(JSON.parse(cold.body.Result as string).product, 10);
    await allBlanks(); // the taken one was replaced

    const all = (await docker("ps", "-q", "--filter", `label=serverledge.node=${id}`)).split("\n");
    assert.equal(all.length, runtimes + 1, "the serving one and a blank one per runtime");
    const memories = await Promise.all(
      all.map(async (c) => JSON.parse(await docker("inspect", c))[0].HostConfig.Memory / 1048576),
    );
    assert.deepEqual(
      memories.sort((a, b) => a - b),
      [...Array(runtimes).fill(32), 96],
      "the taken one was resized",
    );
    const warm = await node.post("/invoke/double", { Params: { a: 1, b: 1 } });
    assert.equal(warm.body.IsWarmStart, true);
  },
);

/**
 * Empties the host's page cache, as after a boot or under memory pressure: the next container
 * of a runtime reads its binary from disk, and the kernel charges what it reads to that
 * container. Needs root, as CI runs.
 */
async function dropPageCache(): Promise<void> {
  const args = ["-c", "echo 1 > /proc/sys/vm/drop_caches"];
  const { success, stderr } = await new Deno.Command("sh", { args, stderr: "piped" }).output();
  const why = new TextDecoder().decode(stderr);
  assert.ok(success, `this test empties the page cache, which needs root: ${why}`);
}

Deno.test(
  "from an empty page cache, every runtime's blank container answers and then serves a function",
  opts,
  async () => {
    await dropPageCache();
    await using node = await startTestNode({ config: { "container.pool.blank": 1 } });
    const id = node.node.services.identity.id;
    const runtimes = builtInImages().length;
    const blankCount = async () =>
      ((await node.get("/status")).body as { Pool: { Blank: number } }).Pool.Blank;
    await until(async () => await blankCount() >= runtimes, "one blank container per runtime");
    assert.equal(await blankCount(), runtimes, "one blank container per runtime within 20 s");
    const blanks = (await docker("ps", "-q", "--filter", `label=serverledge.node=${id}`))
      .split("\n");
    for (const blank of blanks) {
      const memory = JSON.parse(await docker("inspect", blank))[0].HostConfig.Memory;
      assert.equal(memory, 32 * 1048576, "started with more, a ready blank keeps 32 MB");
    }
    await dropPageCache();
    for (const [name, file] of [["inc", "increment.js"], ["hello", "hello.ts"]]) {
      await node.post("/create", await exampleFunction(name, file));
      const cold = await node.post(`/invoke/${name}`, { Params: { n: 1 } });
      assert.equal(cold.body.Success, true, JSON.stringify(cold.body));
      assert.equal(cold.body.IsWarmStart, false);
    }
  },
);

Deno.test(
  "a burst on a fresh function is served by the containers its demand starts",
  opts,
  async () => {
    await using node = await startTestNode({ config: { "container.pool.memory": 4 * 128 } });
    const id = node.node.services.identity.id;
    await node.post("/create", await exampleFunction("double", "double.py"));
    const answers = await Promise.all(
      Array.from({ length: 32 }, () => node.post("/invoke/double", { Params: { a: 2, b: 3 } })),
    );
    const reports = JSON.stringify(answers.map((a) => a.body));
    assert.ok(answers.every((a) => a.status === 200), reports);
    const containers = (await docker("ps", "-aq", "--filter", `label=serverledge.node=${id}`))
      .split("\n").filter((line) => line !== "");
    // A millisecond function: its first container drains the queue long before a second one
    // could start, so the burst waits for one instead of starting one container per request.
    assert.ok(containers.length <= 2, `${containers.length} containers for 32 requests`);
    const cold = answers.filter((a) => a.body.IsWarmStart === false).length;
    assert.equal(cold, containers.length, "only each container's first request saw a cold start");
  },
);

Deno.test("a burst of one function keeps another function's warm container", opts, async () => {
  // Room for three 128 MB containers: one for "steady", two for the burst of "sleepy".
  await using node = await startTestNode({ config: { "container.pool.memory": 3 * 128 } });
  await node.post("/create", await exampleFunction("steady", "double.py"));
  await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
  assert.equal((await node.post("/invoke/steady", {})).body.IsWarmStart, false);
  const burst = await Promise.all(
    Array.from({ length: 6 }, () => node.post("/invoke/sleepy", { Params: { seconds: 1 } })),
  );
  assert.ok(burst.every((a) => a.status === 200), JSON.stringify(burst.map((a) => a.body)));
  const again = await node.post("/invoke/steady", {});
  assert.equal(again.body.IsWarmStart, true, "the burst did not evict steady's only container");
});
