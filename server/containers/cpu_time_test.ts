import assert from "node:assert/strict";
import { parseConfig } from "../config/mod.ts";
import { containerSandbox } from "../node.ts";
import { readHostCpuTimes, sumCpuTimes } from "./cpu_time.ts";
import { DockerBackend } from "./docker.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("the host's CPU times are the sums over its CPUs", () => {
  const times = (user: number, idle: number) => ({
    times: { user, nice: 1, sys: 2, idle, irq: 3 },
  });
  assert.deepEqual(sumCpuTimes([times(10, 100), times(20, 200)]), {
    idle: 300,
    total: 342,
    cpus: 2,
  });
  assert.equal(sumCpuTimes([]), undefined);
});

Deno.test("the host's CPU times move with a busy loop (with the node's own permissions)", () => {
  const before = readHostCpuTimes();
  assert.ok(before, "readable with --allow-sys, which the node has");
  assert.equal(before.cpus, navigator.hardwareConcurrency);
  const until = performance.now() + 300;
  while (performance.now() < until) { /* busy */ }
  const after = readHostCpuTimes()!;
  assert.ok(after.total > before.total);
  assert.ok(after.total - after.idle > before.total - before.idle, "busy time grew");
  assert.ok(after.idle <= after.total);
});

Deno.test("a container's CPU time counts what runs in it, until it is removed", opts, async () => {
  const backend = new DockerBackend({
    nodeId: `cpu-test-${crypto.randomUUID().slice(0, 8)}`,
    sandbox: containerSandbox(parseConfig("{}", "yaml", "test")),
  });
  try {
    const { id } = await backend.start({
      image: "serverledge-python311",
      memoryMB: 128,
      cpus: 0,
      labels: {},
    });
    const first = await backend.cpuReading(id);
    assert.ok(first, "a running container's CPU time is readable");
    const spin = "import time\nt = time.time()\nwhile time.time() - t < 1.5: pass";
    const exec = await new Deno.Command("docker", { args: ["exec", id, "python3", "-c", spin] })
      .output();
    assert.ok(exec.success);
    let after = await backend.cpuReading(id);
    while (after && after.at - first.at < 1600) after = await backend.cpuReading(id);
    assert.ok(after, "still readable");
    const spun = after.seconds - first.seconds;
    assert.ok(spun > 0.8 && spun < 2.5, `a 1.5 s busy loop in the container counted ${spun} s`);
    await backend.remove(id);
    assert.equal(await backend.cpuReading(id), undefined, "gone with the container");
  } finally {
    await backend.removeAll();
  }
});
