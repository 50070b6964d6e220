/**
 * Test fixture: Docker bridge networks a test creates (and removes), and the gateway address of
 * a network, which is the host's own address on that network's bridge.
 *
 * @example A network of one's own, removed at the end of the scope
 * ```ts
 * import { createDockerNetwork } from "./docker_network.ts";
 *
 * await using network = await createDockerNetwork();
 * console.log(network.name, network.gateway); // e.g. "serverledge-test-1a2b3c4d 172.19.0.1"
 * ```
 *
 * @module
 */

/** A Docker network created by {@linkcode createDockerNetwork}; disposing it removes it. */
export interface DockerNetwork extends AsyncDisposable {
  /** Network name, `serverledge-test-<random>`. */
  readonly name: string;
  /** The host's address on the network (its gateway), e.g. `172.19.0.1`. */
  readonly gateway: string;
  /** The network's bridge interface on the host, e.g. `br-1a2b3c4d5e6f`. */
  readonly bridge: string;
  /** The host's IPv6 address on the network, when it was created with IPv6. */
  readonly gateway6?: string;
}

/** Options of {@linkcode createDockerNetwork}. */
export interface DockerNetworkOptions {
  /** Give the network IPv6 too, on a random unique local /64 prefix. @default false */
  ipv6?: boolean;
}

/** Label on every network this fixture creates. */
export const TEST_NETWORK_LABEL = "serverledge.test=network";

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(`docker ${args.join(" ")} failed: ${decoder.decode(out.stderr).trim()}`);
  }
  return decoder.decode(out.stdout).trim();
}

/** The IPv4 gateway address of the Docker network `name`. */
export async function networkGateway(name: string): Promise<string> {
  const gateways = await docker(
    "network",
    "inspect",
    "--format",
    "{{range .IPAM.Config}}{{.Gateway}} {{end}}",
    name,
  );
  const gateway = gateways.split(" ").find((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address));
  if (!gateway) throw new Error(`Docker network "${name}" has no IPv4 gateway`);
  return gateway;
}

/** Creates a bridge network with a free IPv4 subnet chosen by Docker. */
export async function createDockerNetwork(
  options: DockerNetworkOptions = {},
): Promise<DockerNetwork> {
  const name = `serverledge-test-${crypto.randomUUID().slice(0, 8)}`;
  const hex = [...crypto.getRandomValues(new Uint8Array(5))]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const prefix = `fd${hex.slice(0, 2)}:${hex.slice(2, 6)}:${hex.slice(6)}:1`;
  const ipv6 = options.ipv6 ? ["--ipv6", "--subnet", `${prefix}::/64`] : [];
  const id = await docker(
    "network",
    "create",
    "--driver",
    "bridge",
    "--label",
    TEST_NETWORK_LABEL,
    ...ipv6,
    name,
  );
  try {
    const gateway = await networkGateway(name);
    return {
      name,
      gateway,
      bridge: `br-${id.slice(0, 12)}`,
      ...(options.ipv6 ? { gateway6: `${prefix}::1` } : {}),
      async [Symbol.asyncDispose]() {
        await docker("network", "rm", name);
      },
    };
  } catch (error) {
    await docker("network", "rm", name).catch(() => {});
    throw error;
  }
}
