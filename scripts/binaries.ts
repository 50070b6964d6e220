/**
 * The three programs this project ships, as `deno compile` (`deno task compile`) and
 * `deno install -g` (`deno task install`) build them: the node `serverledge`, the client
 * `serverledge-cli` and the load balancer `serverledge-lb`, each with the permissions it runs
 * with and the files it needs at run time.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** One program. */
export interface Binary {
  /** Command name, e.g. `serverledge`. */
  name: string;
  /** Entry module, relative to the project root. */
  entry: string;
  /** Deno flags it runs with (permissions, unstable features). */
  runFlags: readonly string[];
  /** Deno flags of its `deno task`, where they differ from `runFlags`. */
  taskFlags?: readonly string[];
  /**
   * Folders and files embedded in the compiled binary when they exist (the folders' `*_test.ts`
   * left out): what is read at run time, and modules loaded other than by `import` (workers).
   */
  include: readonly string[];
  /** A quick run proving a compiled binary is this program (not a bare Deno runtime). */
  smoke: { args: readonly string[]; expect: string };
}

/** The node: `main.ts` with the permissions of `deno task start`. */
export const NODE_BINARY: Binary = {
  name: "serverledge",
  entry: "main.ts",
  runFlags: [
    "--unstable-kv",
    // Deno.listenDatagram: the status answers to Go edges (server/cluster/udp_status.ts).
    "--unstable-net",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-sys",
    // The host firewall of function containers (server/containers/host_firewall.ts).
    "--allow-run=iptables,iptables-restore,ip6tables,ip6tables-restore",
  ],
  include: ["runtimes", "dashboard/dist", "server/functions/check_worker.ts"],
  smoke: { args: ["/nonexistent/serverledge-conf.yaml"], expect: "Cannot start the node" },
};

/**
 * The client: `cli/main.ts`, reading files (`-src`, `-params_file`) and three variables. Its
 * task may read `INIT_CWD` too, the directory the user ran `deno task cli` in (the task runs in
 * the project root); the programs run where they are started and do not read it.
 */
export const CLI_BINARY: Binary = {
  name: "serverledge-cli",
  entry: "cli/main.ts",
  runFlags: [
    "--allow-net",
    "--allow-read",
    "--allow-env=SERVERLEDGE_HOST,SERVERLEDGE_PORT,SERVERLEDGE_TOKEN",
  ],
  taskFlags: [
    "--allow-net",
    "--allow-read",
    "--allow-env=SERVERLEDGE_HOST,SERVERLEDGE_PORT,SERVERLEDGE_TOKEN,INIT_CWD",
  ],
  include: [],
  smoke: { args: ["help"], expect: "Usage: serverledge-cli" },
};

/**
 * The load balancer: `lb.ts` with the permissions of `deno task lb` (the network, its config,
 * tokens and etcd TLS files, the config's environment variables, the host name).
 */
export const LB_BINARY: Binary = {
  name: "serverledge-lb",
  entry: "lb.ts",
  runFlags: ["--allow-net", "--allow-read", "--allow-env", "--allow-sys"],
  include: [],
  smoke: { args: ["/nonexistent/serverledge-conf.yaml"], expect: "Cannot start serverledge-lb" },
};

/** The three programs, node first. */
export const BINARIES: readonly Binary[] = [NODE_BINARY, CLI_BINARY, LB_BINARY];

/** The project root (where deno.json is). */
export const PROJECT_ROOT: string = fileURLToPath(new URL("..", import.meta.url));
