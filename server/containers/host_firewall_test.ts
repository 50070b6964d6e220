// The host firewall of function containers on the real machine (iptables, Docker networks the
// tests create), and a node's start when it cannot install it. Only the gateway of a network
// created here is probed, from a container on that network.
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { UnavailableError } from "../errors.ts";
import { createDockerNetwork, type DockerNetwork } from "../testing/docker_network.ts";
import { freePort, spawnMain, startNodeProcess } from "../testing/node_process.ts";
import { sleep } from "../timing/sleep.ts";
import { HOST_FIREWALL_CHAIN, isolateFromHost } from "./host_firewall.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const decoder = new TextDecoder();

async function command(name: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(name, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${name} ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
  return decoder.decode(out.stdout);
}

/** The jumps from INPUT to the chain for `bridge`, of `iptables` or `ip6tables`. */
async function jumps(bridge: string, iptables = "iptables"): Promise<string[]> {
  return (await command(iptables, "-w", "-S", "INPUT")).split("\n")
    .filter((rule) => rule === `-A INPUT -i ${bridge} -j ${HOST_FIREWALL_CHAIN}`);
}

async function removeJumps(bridge: string, iptables = "iptables"): Promise<void> {
  for (const _ of await jumps(bridge, iptables)) {
    await command(iptables, "-w", "-D", "INPUT", "-i", bridge, "-j", HOST_FIREWALL_CHAIN);
  }
}

/** Accepts (and closes) connections on `hostname` until the returned listener is closed. */
function listenOn(hostname: string): Deno.Listener {
  const listener = Deno.listen({ hostname, port: 0 });
  (async () => {
    for await (const connection of listener) connection.close();
  })().catch(() => {});
  return listener;
}

/** Runs `args` in a Python container on `network`, removed when it exits; what it printed. */
async function runOn(network: DockerNetwork, flags: string[], ...args: string[]): Promise<string> {
  return (await command(
    "docker",
    "run",
    "--rm",
    ...flags,
    "--network",
    network.name,
    "--label",
    "serverledge.test=firewall",
    "serverledge-python311",
    ...args,
  )).trim();
}

/** From a container on `network`, a TCP connection to `host:port`: "connected" or the error. */
function connectFrom(network: DockerNetwork, host: string, port: number): Promise<string> {
  const script = "import socket,sys\ntry:\n" +
    "  socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close(); print('connected')\n" +
    "except OSError as e:\n  print(type(e).__name__)\n";
  return runOn(network, [], "python3", "-c", script, host, String(port));
}

Deno.test(
  "the rules drop connections from the bridge to the host, installed once",
  opts,
  async () => {
    await using network = await createDockerNetwork();
    const listener = listenOn(network.gateway);
    try {
      const { port } = listener.addr as Deno.NetAddr;
      assert.equal(await connectFrom(network, network.gateway, port), "connected", "before");
      const target = { network: network.name, bridge: network.bridge, ipv6: false };
      await isolateFromHost(target);
      await isolateFromHost(target);
      assert.equal((await jumps(network.bridge)).length, 1, "one jump for the bridge");
      assert.deepEqual(
        (await command("iptables", "-w", "-S", HOST_FIREWALL_CHAIN)).trim().split("\n"),
        [
          `-N ${HOST_FIREWALL_CHAIN}`,
          `-A ${HOST_FIREWALL_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
          `-A ${HOST_FIREWALL_CHAIN} -j DROP`,
        ],
      );
      assert.equal(await connectFrom(network, network.gateway, port), "TimeoutError", "after");
    } finally {
      listener.close();
      await removeJumps(network.bridge);
    }
  },
);

Deno.test("a network with IPv6 gets the rules for IPv6 too", opts, async () => {
  await using network = await createDockerNetwork({ ipv6: true });
  const gateway6 = network.gateway6!;
  // The bridge's IPv6 address is usable once a container is attached and the address checked.
  const holder = await runOn(network, ["-d"], "sleep", "60");
  let listener: Deno.Listener | undefined;
  for (const deadline = Date.now() + 10_000; !listener && Date.now() < deadline;) {
    try {
      listener = listenOn(gateway6);
    } catch {
      await sleep(100);
    }
  }
  assert.ok(listener, `${gateway6} never became usable`);
  try {
    const { port } = listener.addr as Deno.NetAddr;
    assert.equal(await connectFrom(network, gateway6, port), "connected", "before");
    await isolateFromHost({ network: network.name, bridge: network.bridge, ipv6: true });
    assert.equal((await jumps(network.bridge, "ip6tables")).length, 1);
    assert.equal(await connectFrom(network, gateway6, port), "TimeoutError", "after");
  } finally {
    listener.close();
    await command("docker", "rm", "-f", holder);
    await removeJumps(network.bridge);
    await removeJumps(network.bridge, "ip6tables");
  }
});

Deno.test("a bridge that is not an interface of this machine is refused", async () => {
  await assert.rejects(
    isolateFromHost({ network: "elsewhere", bridge: "br-0123456789ab", ipv6: false }),
    (error) =>
      error instanceof UnavailableError &&
      /^Cannot keep function containers away from this host: its bridge "br-0123456789ab" is not an interface of this machine/
        .test(error.message) &&
      error.message.includes('set "container.host.isolation: false"'),
  );
});

Deno.test("a node that cannot install the rules refuses to start and says why", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-firewall-" });
  try {
    const config = `${dir}/serverledge-conf.yaml`;
    await Deno.writeTextFile(
      config,
      stringify({
        "api.port": freePort(),
        "node.id": `nofw-${crypto.randomUUID().slice(0, 8)}`,
        "data.dir": `${dir}/data`,
        "container.pool.blank": 0,
      }),
    );
    const child = spawnMain([config], { PATH: "/nonexistent" });
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    assert.equal(status.code, 1, stdout + stderr);
    assert.match(
      stderr,
      /Cannot start the node: Cannot keep function containers away from this host: "iptables-restore" is not installed \(apt-get install iptables\); or, if another firewall drops connections from the network "serverledge-functions" to this host, set "container.host.isolation: false"\n/,
    );
    assert.doesNotMatch(stdout, /listening/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  "with container.host.isolation false a node starts without iptables and warns",
  opts,
  async () => {
    await using node = await startNodeProcess({
      config: { "container.host.isolation": false },
      env: { PATH: "/nonexistent" },
    });
    assert.match(
      node.output(),
      /Warning: function containers can reach every service of this host, the node's API included \("container.host.isolation" is false\)/,
    );
  },
);
