import assert from "node:assert/strict";
import { Deadlines, SWEEP_SLACK } from "./deadlines.ts";
import { sleep } from "./sleep.ts";

Deno.test("Deadlines run in the order they fall due, whatever their delays", async () => {
  const deadlines = new Deadlines();
  const fired: string[] = [];
  deadlines.arm(60, () => fired.push("60 ms"));
  deadlines.arm(20, () => fired.push("20 ms"));
  deadlines.arm(40, () => fired.push("40 ms"));
  deadlines.arm(20, () => fired.push("20 ms, second"));
  assert.equal(deadlines.live, 4);
  await sleep(10);
  assert.deepEqual(fired, []);
  await sleep(90);
  assert.deepEqual(fired, ["20 ms", "20 ms, second", "40 ms", "60 ms"]);
  assert.equal(deadlines.live, 0);
});

Deno.test("a cancelled deadline never runs; the others around it do", async () => {
  const deadlines = new Deadlines();
  const fired: number[] = [];
  const armed = [0, 1, 2, 3].map((i) => deadlines.arm(15, () => fired.push(i)));
  armed[0].cancel();
  armed[2].cancel();
  armed[2].cancel();
  assert.equal(deadlines.live, 2);
  await sleep(50);
  assert.deepEqual(fired, [1, 3]);
  armed[1].cancel();
  assert.equal(deadlines.live, 0);
});

Deno.test("cancelled deadlines are dropped: what is held stays bounded", () => {
  const deadlines = new Deadlines();
  const kept = deadlines.arm(60_000, () => assert.fail("cancelled"));
  for (let i = 0; i < 20_000; i++) deadlines.arm(500, () => assert.fail("cancelled")).cancel();
  assert.equal(deadlines.live, 1);
  assert.ok(deadlines.held <= 2 + SWEEP_SLACK + 1, `holds ${deadlines.held} entries`);
  kept.cancel();
  assert.equal(deadlines.live, 0);
});

/** Runs `code` (which may import `Deadlines`) in a process; resolves what it printed. */
async function runAlone(code: string): Promise<string> {
  const imported = `import { Deadlines } from ${
    JSON.stringify(import.meta.resolve("./deadlines.ts"))
  };`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", imported + code],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const kill = setTimeout(() => child.kill(), 30_000);
  const { code: exitCode, stdout, stderr } = await child.output();
  clearTimeout(kill);
  assert.equal(exitCode, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout);
}

Deno.test("a live deadline keeps the process alive; once cancelled, the timer does not", async () => {
  assert.equal(
    await runAlone(`new Deadlines().arm(100, () => console.log("fired"));`),
    "fired\n",
  );
  assert.equal(
    await runAlone(`const d = new Deadlines(); d.arm(60_000, () => console.log("fired")).cancel();
      d.arm(120_000, () => console.log("fired")).cancel();`),
    "",
    "the process ended at once, nothing fired",
  );
});

Deno.test("a deadline armed earlier than the pending ones still runs on time", async () => {
  const deadlines = new Deadlines();
  const fired: string[] = [];
  const late = deadlines.arm(10_000, () => fired.push("late"));
  deadlines.arm(10, () => fired.push("early"));
  await sleep(40);
  assert.deepEqual(fired, ["early"]);
  late.cancel();
});

Deno.test("deadlines armed while one runs are kept", async () => {
  const deadlines = new Deadlines();
  const fired: string[] = [];
  deadlines.arm(10, () => {
    fired.push("first");
    deadlines.arm(10, () => fired.push("armed by the first"));
  });
  await sleep(60);
  assert.deepEqual(fired, ["first", "armed by the first"]);
});
