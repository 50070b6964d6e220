// What a function container can reach on the host: a function probes the node's API and etcd on
// the gateway of the function network and of a network the test creates, where both listen.
// Only addresses of these two Docker networks and 127.0.0.1 inside the container are probed.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { createDockerNetwork, networkGateway } from "../testing/docker_network.ts";
import { startEtcd } from "../testing/etcd.ts";
import { startTestNode } from "../testing/test_node.ts";
import { parseConfig } from "../config/mod.ts";
import { containerSandbox } from "../node.ts";
import { DockerBackend, FUNCTION_NETWORK } from "./docker.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const HOSTILE = new URL("./testdata/hostile.py", import.meta.url);

async function hostileFunction(name: string): Promise<Record<string, unknown>> {
  const data = await Deno.readFile(HOSTILE);
  return {
    Name: name,
    Runtime: "python311",
    MemoryMB: 128,
    Handler: "hostile.probe",
    TarFunctionCode: encodeBase64(writeTar([{ name: "hostile.py", data }])),
  };
}

Deno.test(
  "a function reaches neither the node's API nor etcd on the host, whatever api.ip is",
  opts,
  async () => {
    // The function network exists (and is prepared) before the node binds its gateway.
    const sandbox = containerSandbox(parseConfig("{}", "yaml", "test"));
    await new DockerBackend({ nodeId: `isolation-${crypto.randomUUID().slice(0, 8)}`, sandbox })
      .ping();
    const functionsGateway = await networkGateway(FUNCTION_NETWORK);
    await using other = await createDockerNetwork();
    await using etcd = await startEtcd({ alsoListenOn: [functionsGateway, other.gateway] });
    await using node = await startTestNode({
      hostnames: [functionsGateway, other.gateway],
      // No tokens, so the API itself lets anyone in: only the network must keep functions out.
      config: { "etcd.address": etcd.address, "auth.disabled": true },
    });
    const port = Number(new URL(node.url).port);
    const etcdPort = Number(etcd.address.split(":")[1]);
    const victim = `victim-${crypto.randomUUID().slice(0, 8)}`;
    const prober = `prober-${crypto.randomUUID().slice(0, 8)}`;
    assert.equal((await node.post("/create", await hostileFunction(victim))).status, 200);
    assert.equal((await node.post("/create", await hostileFunction(prober))).status, 200);

    const hostTargets = [
      { host: functionsGateway, port, delete: victim },
      { host: other.gateway, port, delete: victim },
      { host: functionsGateway, port: etcdPort },
      { host: other.gateway, port: etcdPort },
    ];
    const ownListener = { host: "127.0.0.1", port: 0 }; // one the probe opens in its container
    const answer = await node.post(`/invoke/${prober}`, {
      Params: { targets: [...hostTargets, ownListener], timeout: 1 },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const reached: Record<string, string> = JSON.parse(answer.body.Result as string);
    assert.equal(reached["127.0.0.1:0"], "connected", "the probe can connect at all");
    for (const { host, port } of hostTargets) {
      assert.doesNotMatch(
        reached[`${host}:${port}`],
        /^connected/,
        `a function reached ${host}:${port}: ${JSON.stringify(reached)}`,
      );
    }
    const names = await node.get("/function");
    assert.ok((names.body as string[]).includes(victim), "the victim function is still there");
  },
);
