import assert from "node:assert/strict";
import { parseConfig } from "../config/mod.ts";
import { containerSandbox } from "../node.ts";
import { cgroupCpuFiles, parseProcStat, readHostCpuTimes } from "./cpu_time.ts";
import { DockerBackend } from "./docker.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("the host's CPU times come from /proc/stat's first line, idle with I/O wait", () => {
  const text = "cpu  100 5 50 1000 40 1 2 3 7 0\ncpu0 50 2 25 500 20 1 1 2 3 0\n" +
    "cpu1 50 3 25 500 20 0 1 1 4 0\nintr 12345\n";
  assert.deepEqual(parseProcStat(text), { idle: 1040, total: 1201, cpus: 2 });
  assert.equal(parseProcStat("intr 1\n"), undefined);
  assert.equal(parseProcStat("cpu  a b c d\n"), undefined);
  assert.equal(parseProcStat("cpu  1 2\n"), undefined);
});

Deno.test("a container's CPU time is looked for in its cgroup's cpuacct or cpu.stat", () => {
  const v1 = "4:memory:/docker/ab\n3:cpu,cpuacct:/docker/ab\n0::/docker/ab\n";
  const files = cgroupCpuFiles(v1, "/cg");
  assert.equal(files[0], "/cg/cpu,cpuacct/docker/ab/cpuacct.usage");
  assert.ok(files.includes("/cg/cpuacct/docker/ab/cpuacct.usage"));
  assert.equal(files.at(-1), "/cg/docker/ab/cpu.stat", "the v2 group last");
  assert.deepEqual(cgroupCpuFiles("0::/system.slice/docker-ab.scope\n", "/cg"), [
    "/cg/system.slice/docker-ab.scope/cpu.stat",
  ]);
  assert.deepEqual(cgroupCpuFiles("5:memory:/x\n", "/cg"), []);
});

Deno.test("the host's CPU times move with a busy loop", () => {
  const before = readHostCpuTimes();
  assert.ok(before, "/proc/stat readable on Linux");
  assert.equal(before.cpus, navigator.hardwareConcurrency);
  const until = performance.now() + 300;
  while (performance.now() < until) { /* busy */ }
  const after = readHostCpuTimes()!;
  assert.ok(after.total > before.total);
  assert.ok(after.total - after.idle > before.total - before.idle, "busy time grew");
  assert.ok(after.idle <= after.total);
});

Deno.test("a container's CPU clock counts what runs in it, until it is removed", opts, async () => {
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
    const clock = await backend.cpuClock(id);
    assert.ok(clock, "a running container's accounting is readable here");
    const idle = clock()!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stillIdle = clock()!;
    assert.ok(stillIdle - idle < 0.1, `an idle executor used ${stillIdle - idle} s`);
    const spin = "import time\nt = time.time()\nwhile time.time() - t < 1: pass";
    const exec = await new Deno.Command("docker", { args: ["exec", id, "python3", "-c", spin] })
      .output();
    assert.ok(exec.success);
    const spun = clock()! - stillIdle;
    assert.ok(spun > 0.5 && spun < 1.5, `a 1 s busy loop in the container counted ${spun} s`);
    await backend.remove(id);
    assert.equal(clock(), undefined, "gone with the container");
    assert.equal(await backend.cpuClock(id), undefined);
  } finally {
    await backend.removeAll();
  }
});
