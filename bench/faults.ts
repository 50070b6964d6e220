/**
 * What faults cost, measured through node processes on 127.0.0.1 (`main.ts`), a real etcd and
 * the real Docker daemon: a warm container killed, removed or paused from outside before a
 * call; a second node started with the same node id or data dir; a create, update and delete
 * while etcd is frozen (SIGSTOP); an async request running at a SIGTERM; definitions with bad
 * fields written to etcd by hand. Prints one line per case; asserts nothing.
 *
 *   deno run -A bench/faults.ts
 *
 * @module
 */
import { Etcd3 } from "etcd3";
import { stringify } from "yaml";
import { FUNCTION_PREFIX } from "../server/registry/etcd/key_prefixes.ts";
import { startEtcd } from "../server/testing/etcd.ts";
import { exampleFunction, storedExample } from "../server/testing/functions.ts";
import {
  freePort,
  type NodeProcess,
  spawnMain,
  startNodeProcess,
} from "../server/testing/node_process.ts";
import { sleep } from "../server/timing/sleep.ts";

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped", stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function containersOf(node: NodeProcess): Promise<string[]> {
  const listed = await docker(
    "ps",
    "-aq",
    "--no-trunc",
    "--filter",
    `label=serverledge.node=${node.id}`,
  );
  return listed.split("\n").filter(Boolean);
}

/** `POST path` on `node`, with the time it took. */
async function timedPost(node: NodeProcess, path: string, body: unknown) {
  const started = performance.now();
  const answer = await node.post(path, body);
  return { ...answer, ms: Math.round(performance.now() - started) };
}

async function lostContainers(): Promise<void> {
  await using node = await startNodeProcess();
  await node.post("/create", await exampleFunction("hello", "hello.py", { Timeout: 30 }));
  for (const action of [["kill"], ["rm", "-f"], ["pause"]]) {
    await node.post("/invoke/hello", {});
    const [warm] = await containersOf(node);
    await docker(...action, warm);
    while (
      action[0] === "kill" && await docker("inspect", "-f", "{{.State.Running}}", warm) === "true"
    ) {
      await sleep(20);
    }
    const { status, body, ms } = await timedPost(node, "/invoke/hello", {});
    console.log(
      `docker ${action.join(" ")} of the warm container, next call: HTTP ${status} in ${ms} ms, ` +
        `Success ${body.Success}, IsWarmStart ${body.IsWarmStart}${
          body.Error ? `, ${body.Error}` : ""
        }`,
    );
    const left = await containersOf(node);
    if (left.length > 0) await docker("rm", "-f", ...left);
  }
}

async function secondNode(): Promise<void> {
  await using first = await startNodeProcess();
  await first.post("/create", await exampleFunction("hello", "hello.py"));
  const cases: [string, Record<string, unknown>][] = [
    ["same node id", { "node.id": first.id }],
    ["same data dir", { "data.dir": first.dataDir }],
  ];
  for (const [what, config] of cases) {
    await first.post("/invoke/hello", {});
    const before = await containersOf(first);
    const dir = await Deno.makeTempDir({ prefix: "serverledge-second-" });
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/conf.yaml`,
      stringify({
        "api.port": port,
        "node.id": `second-${port}`,
        "data.dir": `${dir}/data`,
        ...config,
      }),
    );
    const child = spawnMain([`${dir}/conf.yaml`]);
    const exit = await Promise.race([child.status.then((s) => `exited ${s.code}`), sleep(8_000)]);
    if (exit === undefined) child.kill("SIGTERM");
    const message = (await new Response(child.stderr).text()).trim().split("\n").pop();
    await child.stdout.cancel();
    const after = await containersOf(first);
    const next = await first.post("/invoke/hello", {});
    console.log(
      `second node with the ${what}: ${exit ?? "still running after 8 s"} (${message || "-"}); ` +
        `first node's containers ${after.join() === before.join() ? "intact" : "changed"}; ` +
        `its next call HTTP ${next.status}, IsWarmStart ${next.body.IsWarmStart}`,
    );
    await Deno.remove(dir, { recursive: true });
  }
}

async function etcdHang(): Promise<void> {
  await using etcd = await startEtcd();
  await using node = await startNodeProcess({ config: { "etcd.address": etcd.address } });
  await node.post("/create", await exampleFunction("upd", "hello.py"));
  await node.post("/create", await exampleFunction("del", "hello.py"));
  type Info = { Name: string; Handler: string };
  const cases: [string, unknown, (listed: Info[]) => boolean][] = [
    ["/create", await exampleFunction("hang", "hello.py"), (l) => l.some((f) => f.Name === "hang")],
    [
      "/update",
      await exampleFunction("upd", "double.py"),
      (l) => l.some((f) => f.Handler === "double.handler"),
    ],
    ["/delete", { Name: "del" }, (l) => !l.some((f) => f.Name === "del")],
  ];
  for (const [path, body, applied] of cases) {
    await etcd.freeze();
    const answer = await timedPost(node, path, body);
    etcd.thaw();
    await sleep(2_000);
    const listed = await fetch(`${node.url}/function?details=true`).then((r) => r.json());
    console.log(
      `${path} while etcd is frozen: HTTP ${answer.status} after ${answer.ms} ms ` +
        `(${answer.body.Error ?? JSON.stringify(answer.body)}); applied: ${applied(listed)}`,
    );
  }
}

async function shutdown(): Promise<void> {
  await using node = await startNodeProcess();
  await node.post("/create", await exampleFunction("sleepy", "sleep.py"));
  const { body } = await node.post("/invoke/sleepy", { Params: { seconds: 30 }, Async: true });
  await sleep(1_000);
  const started = performance.now();
  const code = await node.stop("SIGTERM");
  const ms = Math.round(performance.now() - started);
  await node.restart();
  const report = await fetch(`${node.url}/poll/${body.ReqId}`).then((r) => r.json());
  console.log(
    `async request running at a SIGTERM: exit code ${code} after ${ms} ms; its poll after a ` +
      `restart: Success ${report.Success}, ${report.Error}`,
  );
}

async function storedDefinitions(): Promise<void> {
  await using etcd = await startEtcd();
  await using node = await startNodeProcess({ config: { "etcd.address": etcd.address } });
  const client = new Etcd3({ hosts: etcd.address });
  const bad: Record<string, Record<string, unknown>> = {
    negmem: { MemoryMB: -5 },
    negcpu: { CPUDemand: -1 },
    notime: { Timeout: 0 },
    strmem: { MemoryMB: "lots" },
  };
  for (const [name, changes] of Object.entries(bad)) {
    const stored = await storedExample(name, "hello.py", changes);
    await client.put(FUNCTION_PREFIX + name).value(JSON.stringify(stored));
  }
  client.close();
  await sleep(1_000);
  for (const [name, changes] of Object.entries(bad)) {
    const { status, body } = await node.post(`/invoke/${name}`, {});
    console.log(`stored ${JSON.stringify(changes)}, invoked: HTTP ${status} ${body.Error ?? ""}`);
  }
  console.log(`containers the node created for them: ${(await containersOf(node)).length}`);
}

if (import.meta.main) {
  for (const measure of [lostContainers, secondNode, etcdHang, shutdown, storedDefinitions]) {
    await measure();
  }
}
