/**
 * Keeps function containers away from this host: iptables rules that drop every new connection
 * coming in from the function network's bridge to an address of the host (the `INPUT` chain),
 * so that a function reaches neither the node's API nor etcd nor any other service of the host,
 * whatever address they listen on. Connections the host opens to its containers (the node to an
 * executor's published port) and their answers pass; traffic of functions to other machines is
 * routed (`FORWARD`), not touched.
 *
 * The rules live in the chain {@linkcode HOST_FIREWALL_CHAIN}, rewritten in one
 * `iptables-restore` transaction, and one jump from `INPUT` per bridge, added when missing: the
 * installation is idempotent, and nodes sharing the machine install the same rules.
 *
 * @module
 */
import { UnavailableError } from "../errors.ts";

/** The iptables chain holding the rules (in the `filter` table, of IPv4 and IPv6 alike). */
export const HOST_FIREWALL_CHAIN = "SERVERLEDGE-FUNCTIONS";

/** The rules of {@linkcode HOST_FIREWALL_CHAIN}: answers to the host's connections pass. */
const CHAIN_RULES = [
  `:${HOST_FIREWALL_CHAIN} - [0:0]`,
  `-A ${HOST_FIREWALL_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
  `-A ${HOST_FIREWALL_CHAIN} -j DROP`,
];

/** The function network as the firewall sees it. */
export interface FunctionBridge {
  /** Name of the network, for messages. */
  network: string;
  /** The bridge interface of the network on this host, e.g. `br-24803430bf6b`. */
  bridge: string;
  /** Whether the network carries IPv6 (then the IPv6 rules are installed too). */
  ipv6: boolean;
}

/**
 * Installs the rules dropping new connections from `target.bridge` to this host, for IPv4 and,
 * when the network has it, IPv6. Needs root (or `CAP_NET_ADMIN`), iptables, and the permissions
 * `--allow-sys` (to find the bridge) and `--allow-run` for `iptables`, `iptables-restore`,
 * `ip6tables` and `ip6tables-restore`.
 *
 * @throws {UnavailableError} when the bridge is not an interface of this host or iptables
 * cannot install the rules; the message says what to do
 */
export async function isolateFromHost(target: FunctionBridge): Promise<void> {
  if (!Deno.networkInterfaces().some((nic) => nic.name === target.bridge)) {
    throw refusal(
      target,
      `its bridge "${target.bridge}" is not an interface of this machine (is Docker running ` +
        `in a VM or rootless?)`,
    );
  }
  const families = target.ipv6 ? ["iptables", "ip6tables"] : ["iptables"];
  for (const iptables of families) {
    await run(target, `${iptables}-restore`, ["-w", "--noflush"], rulesText());
    const jump = ["INPUT", "-i", target.bridge, "-j", HOST_FIREWALL_CHAIN];
    if (!await succeeds(iptables, ["-w", "-C", ...jump])) {
      await run(target, iptables, ["-w", "-I", jump[0], "1", ...jump.slice(1)]);
    }
  }
}

function rulesText(): string {
  return ["*filter", ...CHAIN_RULES, "COMMIT", ""].join("\n");
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function run(
  target: FunctionBridge,
  command: string,
  args: string[],
  input?: string,
): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    const child = new Deno.Command(command, {
      args,
      stdin: input === undefined ? "null" : "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    if (input !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(input));
      await writer.close();
    }
    out = await child.output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw refusal(target, `"${command}" is not installed (apt-get install iptables)`, error);
    }
    throw refusal(target, `"${command}" could not run (${(error as Error).message})`, error);
  }
  if (!out.success) {
    const detail = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    throw refusal(
      target,
      `"${command}" failed (${detail}): the node needs root (or CAP_NET_ADMIN) to install its rules`,
    );
  }
}

function refusal(target: FunctionBridge, why: string, cause?: unknown): UnavailableError {
  return new UnavailableError(
    `Cannot keep function containers away from this host: ${why}; or, if another firewall ` +
      `drops connections from the network "${target.network}" to this host, set ` +
      `"container.host.isolation: false"`,
    { cause },
  );
}
