/**
 * What a protected etcd (TLS only, client certificate required, authentication on, the nodes'
 * user limited to the registry's prefixes) changes, measured on 127.0.0.1 with real etcd
 * processes and node processes (`main.ts`, real Docker): what a client without the node's
 * credentials can do to the registry, and what the protection costs a node (start, `/create`,
 * a refused start). Prints one line per figure; asserts nothing.
 *
 *   deno run -A bench/etcd_security.ts
 *
 * @module
 */
import { Etcd3 } from "etcd3";
import { readClientSecurity } from "../server/registry/etcd/client_security.ts";
import { EtcdConnection } from "../server/registry/etcd/connection.ts";
import { FUNCTION_PREFIX } from "../server/registry/etcd/key_prefixes.ts";
import { type EtcdServer, startEtcd } from "../server/testing/etcd.ts";
import { exampleFunction, storedExample } from "../server/testing/functions.ts";
import { failedNodeStart, startNodeProcess } from "../server/testing/node_process.ts";

const RUNS = 5;

/** The flat config keys that connect a node to `etcd` as its registry user. */
function nodeConfig(etcd: EtcdServer): Record<string, string> {
  const { username, password, tls } = etcd.security;
  return {
    "etcd.address": etcd.address,
    ...(username ? { "etcd.username": username, "etcd.password": password! } : {}),
    ...(tls
      ? { "etcd.tls.ca": tls.ca!, "etcd.tls.cert": tls.cert!, "etcd.tls.key": tls.key! }
      : {}),
  };
}

/** Whether a write of a function definition by `client` was applied, or why it was refused. */
async function tryWrite(client: Etcd3, key: string): Promise<string> {
  try {
    const stored = await storedExample("planted", "hello.py");
    await client.put(key).value(JSON.stringify(stored)).options({ deadline: Date.now() + 3_000 });
    return "applied";
  } catch (error) {
    return `refused (${
      error instanceof Error ? error.message.split(". Last error: ").pop() : error
    })`;
  } finally {
    client.close();
  }
}

/** What a client without the node's credentials (or with only some) can write. */
async function outsiders(): Promise<void> {
  await using plain = await startEtcd();
  console.log(
    `plain etcd, anonymous client: write of ${FUNCTION_PREFIX}planted`,
    await tryWrite(new Etcd3({ hosts: plain.address }), `${FUNCTION_PREFIX}planted`),
  );
  await using guarded = await startEtcd({ tls: true, auth: true });
  const tls = guarded.security.tls!;
  const as = async (settings: Parameters<typeof readClientSecurity>[0]) =>
    new EtcdConnection(guarded.address, 3_000, await readClientSecurity(settings)).client;
  const cases: [string, Etcd3][] = [
    ["no TLS", new Etcd3({ hosts: guarded.address })],
    ["TLS, no client certificate", await as({ tls: { ca: tls.ca } })],
    ["the node's certificate, no password", await as({ tls })],
    ["the node's certificate, a wrong password", await as({ ...guarded.security, password: "x" })],
  ];
  for (const [who, client] of cases) {
    console.log(
      `protected etcd, ${who}: write of ${FUNCTION_PREFIX}planted`,
      await tryWrite(client, `${FUNCTION_PREFIX}planted`),
    );
  }
  console.log(
    "protected etcd, the node's user: write of /outside-the-registry",
    await tryWrite(await as(guarded.security), "/outside-the-registry"),
  );
}

/** The median of `values`, rounded. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]);
}

/** Milliseconds a node takes to start, and to answer `/create`, on `etcd`. */
async function costs(label: string, etcd: EtcdServer): Promise<void> {
  const starts: number[] = [];
  const creates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await using node = await startNodeProcess({ config: nodeConfig(etcd) });
    starts.push(performance.now() - started);
    const createdAt = performance.now();
    const answer = await node.post("/create", await exampleFunction(`f${run}`, "hello.py"));
    creates.push(performance.now() - createdAt);
    if (answer.status !== 200) console.log(`${label}: /create answered ${answer.status}`);
  }
  console.log(
    `${label}: node start to /status ${median(starts)} ms, /create ${median(creates)} ms`,
  );
}

async function refusedStart(): Promise<void> {
  await using etcd = await startEtcd({ tls: true, auth: true });
  const started = performance.now();
  const stderr = await failedNodeStart({
    config: { ...nodeConfig(etcd), "etcd.password": "wrong" },
  });
  const ms = Math.round(performance.now() - started);
  console.log(`protected etcd, wrong password: the node exits 1 after ${ms} ms: ${stderr.trim()}`);
}

await outsiders();
{
  await using plain = await startEtcd();
  await costs(`plain etcd (median of ${RUNS})`, plain);
}
{
  await using guarded = await startEtcd({ tls: true, auth: true });
  await costs(`protected etcd (median of ${RUNS})`, guarded);
}
await refusedStart();
