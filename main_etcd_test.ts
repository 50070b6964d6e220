// Node processes on an etcd serving TLS only (client certificate required) with authentication
// enabled: they start, serve and share functions, reports and membership; a wrong setting stops
// the start with a message saying what failed.
import assert from "node:assert/strict";
import { makeTestCa } from "./server/testing/certificates.ts";
import { type EtcdServer, startEtcd } from "./server/testing/etcd.ts";
import { exampleFunction } from "./server/testing/functions.ts";
import { failedNodeStart, startNodeProcess } from "./server/testing/node_process.ts";
import { postJson } from "./server/testing/post_json.ts";
import { eventually } from "./server/testing/until.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** The flat config keys that connect a node to `etcd` as its registry user, but the password. */
function etcdConfig(etcd: EtcdServer): Record<string, string> {
  const { username, tls } = etcd.security;
  return {
    "etcd.address": etcd.address,
    "etcd.username": username!,
    "etcd.tls.ca": tls!.ca!,
    "etcd.tls.cert": tls!.cert!,
    "etcd.tls.key": tls!.key!,
  };
}

/** GETs `url`, or POSTs `body` as JSON; resolves the status and the JSON answer. */
async function call<T>(url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = body === undefined ? await fetch(url) : await postJson(url, body);
  return { status: response.status, body: await response.json() };
}

Deno.test(
  "nodes on an etcd with TLS and authentication share functions, reports and membership",
  opts,
  async () => {
    await using etcd = await startEtcd({ tls: true, auth: true });
    const { password } = etcd.security;
    await using a = await startNodeProcess({
      config: etcdConfig(etcd),
      env: { SERVERLEDGE_ETCD_PASSWORD: password! },
    });
    await using b = await startNodeProcess({
      config: { ...etcdConfig(etcd), "etcd.password": password },
    });
    type Status = { Registry: string; RegistryConnected: boolean; Neighbours: { Id: string }[] };
    for (const node of [a, b]) {
      const { body } = await call<Status>(`${node.url}/status`);
      assert.equal(body.Registry, "etcd");
      assert.equal(body.RegistryConnected, true, node.output());
    }

    const created = await call(`${a.url}/create`, await exampleFunction("hello", "hello.py"));
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await eventually(async () =>
      (await call<string[]>(`${b.url}/function`)).body.includes("hello")
    );
    const onB = await call<{ Result: string }>(`${b.url}/invoke/hello`, { Params: { name: "B" } });
    assert.equal(onB.body.Result, JSON.stringify("Hello, B!"));

    const invoked = await call<{ ReqId: string }>(`${b.url}/invoke/hello`, { Async: true });
    await eventually(async () =>
      (await call(`${a.url}/poll/${invoked.body.ReqId}`)).status === 200
    );

    await eventually(async () => {
      const { body } = await call<Status>(`${a.url}/status`);
      return body.Neighbours.some((neighbour) => neighbour.Id === b.id);
    });
  },
);

Deno.test("a node refused by a protected etcd stops its start and says why", opts, async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  const config = { ...etcdConfig(etcd), "etcd.password": etcd.security.password };
  const at = `Cannot start the node: Registry "etcd" at "${etcd.address}"`;
  const start = (overrides: Record<string, string>) =>
    failedNodeStart({ config: { ...config, ...overrides } });

  assert.match(
    await start({ "etcd.password": "wrong" }),
    new RegExp(`${at} refused user "serverledge": the user does not exist or its password`),
  );
  assert.match(
    await start({ "etcd.username": "nobody" }),
    new RegExp(`${at} refused user "nobody"`),
  );
  const other = await makeTestCa(etcd.dir, "other CA");
  assert.match(
    await start({ "etcd.tls.ca": other.cert }),
    new RegExp(
      `${at} presented a TLS certificate that the CA of etcd\\.tls\\.ca \\("${other.cert}"`,
    ),
  );
  assert.match(
    await start({ "etcd.tls.cert": "", "etcd.tls.key": "" }),
    new RegExp(`${at} ended the TLS handshake, most likely because it requires a client cert`),
  );
  const missing = `${etcd.dir}/missing.key`;
  assert.match(
    await start({ "etcd.tls.key": missing }),
    new RegExp(
      `Cannot start the node: Cannot read the file "${missing}" of config key "etcd\\.tls\\.key": ` +
        "it does not exist",
    ),
  );
});
