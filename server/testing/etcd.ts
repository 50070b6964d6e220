/**
 * Test fixture: a real etcd process on 127.0.0.1 with free ports and a temporary data dir;
 * optionally serving TLS only (with a client certificate required) and with authentication
 * enabled.
 *
 * @example Use it in a test
 * ```ts
 * import { startEtcd } from "./etcd.ts";
 *
 * Deno.test("talks to etcd", async () => {
 *   await using etcd = await startEtcd();
 *   console.log(etcd.address); // e.g. "127.0.0.1:40123"
 * });
 * ```
 *
 * @example A protected etcd, and what a registry needs to connect to it
 * ```ts
 * import { startEtcd } from "./etcd.ts";
 * import { EtcdRegistry } from "../registry/etcd.ts";
 *
 * await using etcd = await startEtcd({ tls: true, auth: true });
 * await using registry = await EtcdRegistry.open(etcd.address, { security: etcd.security });
 * ```
 *
 * @module
 */
import type { Etcd3 } from "etcd3";
import { join } from "node:path";
import { REGISTRY_PREFIXES } from "../registry/etcd/key_prefixes.ts";
import { type EtcdSecurity, readClientSecurity } from "../registry/etcd/client_security.ts";
import { EtcdConnection } from "../registry/etcd/connection.ts";
import { sleep } from "../timing/sleep.ts";
import { type CertificateFiles, makeTestCa, type TestCa } from "./certificates.ts";
import { until } from "./until.ts";

/** A user of an etcd started with `auth`. */
export interface EtcdUser {
  /** User name. */
  readonly username: string;
  /** Its password. */
  readonly password: string;
}

/** The client side of an etcd started with `tls`. */
export interface EtcdTls {
  /** The CA that signed etcd's certificate and the client certificate; it can issue more. */
  readonly authority: TestCa;
  /** A client certificate (common name `serverledge-node`, no etcd user) and its key. */
  readonly client: CertificateFiles;
}

/** A running (or stopped) etcd started by {@linkcode startEtcd}. */
export interface EtcdServer extends AsyncDisposable {
  /** Client address as Serverledge's `etcd.address` takes it, e.g. `127.0.0.1:40123`. */
  readonly address: string;
  /** Client URL, e.g. `http://127.0.0.1:40123` (`https://` with TLS). */
  readonly url: string;
  /** The CA and a client certificate, when started with `tls`. */
  readonly tls: EtcdTls | undefined;
  /**
   * When started with `auth`: `root` (every right) and `registry`, whose role may only read
   * and write under the registry's key prefixes.
   */
  readonly users: { readonly root: EtcdUser; readonly registry: EtcdUser } | undefined;
  /**
   * What a registry needs to connect: the `registry` user and the client TLS files, as
   * started (empty for a plain etcd).
   */
  readonly security: EtcdSecurity;
  /** Runs `use` with a client of etcd's `root` user (or without user before `auth`). */
  asRoot<T>(use: (client: Etcd3) => Promise<T>): Promise<T>;
  /** Directory holding the data dir and the log file `etcd.log`. */
  readonly dir: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** Stops the process (SIGTERM, then SIGKILL) and keeps ports and data dir for `start`. */
  stop(): Promise<void>;
  /** Kills the process at once (SIGKILL, frozen or not); keeps ports and data dir for `start`. */
  kill(): Promise<void>;
  /**
   * Freezes the process (SIGSTOP) and resolves once every thread of it has stopped: its
   * connections stay open, and it reads and answers nothing until {@linkcode EtcdServer.thaw}.
   */
  freeze(): Promise<void>;
  /**
   * Bytes clients sent that etcd has not read yet, summed over its client connections (as `ss`
   * shows them): what a frozen etcd received and would lose if killed.
   */
  unreadBytes(): Promise<number>;
  /** Lets a frozen process go on (SIGCONT): it then serves what it received meanwhile. */
  thaw(): void;
  /** Starts the process again on the same ports and data dir, and waits until it answers. */
  start(): Promise<void>;
  /** Stops the process and starts it again. */
  restart(): Promise<void>;
}

/** Options of {@linkcode startEtcd}. */
export interface StartEtcdOptions {
  /**
   * Milliseconds to wait for etcd to answer its health check.
   *
   * @default {15000}
   */
  startTimeoutMs?: number;
  /**
   * More addresses the client port listens on besides 127.0.0.1 (same port), e.g. the gateway
   * of a Docker network a test created, to check that containers cannot reach etcd there.
   *
   * @default {[]}
   */
  alsoListenOn?: readonly string[];
  /**
   * Serve clients over TLS only, with a certificate for 127.0.0.1 signed by a CA of the
   * fixture's own, and require a client certificate signed by that CA (`--client-cert-auth`).
   *
   * @default {false}
   */
  tls?: boolean;
  /**
   * Enable authentication, with the users of {@linkcode EtcdServer.users}.
   *
   * @default {false}
   */
  auth?: boolean;
  /**
   * Seconds an unused auth token stays valid (etcd's `--auth-token-ttl`).
   *
   * @default {300}
   */
  authTokenTtlSeconds?: number;
}

/**
 * Starts a real etcd (the `etcd` binary from `PATH`) on 127.0.0.1 with free client and peer
 * ports and a temporary data dir, and waits until it answers. With `tls` it makes its
 * certificates with `openssl`; with `auth` it adds the users, then enables authentication.
 * Disposing it kills the process and removes the data dir.
 *
 * @throws {Error} when `etcd` (or `openssl`) is not installed, or etcd does not answer in time
 *
 * @example
 * ```ts
 * import { startEtcd } from "./etcd.ts";
 *
 * await using etcd = await startEtcd();
 * await etcd.restart(); // same address, same data
 * ```
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdServer> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-etcd-" });
  let server: _EtcdProcess | undefined;
  try {
    const [clientPort, peerPort] = _freePorts(2);
    const tls = options.tls ? await _makeTls(dir) : undefined;
    server = new _EtcdProcess(dir, clientPort, peerPort, options, tls);
    await server.start();
    if (options.auth) await server.enableAuth();
    return server;
  } catch (error) {
    if (server) await server[Symbol.asyncDispose]();
    else await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** The role of the `registry` user: read and write under the registry's prefixes only. */
const _REGISTRY_ROLE = "serverledge-registry";

/** etcd's server certificate and key, and the client side of {@linkcode EtcdTls}. */
interface _TlsFiles extends EtcdTls {
  readonly server: CertificateFiles;
}

async function _makeTls(dir: string): Promise<_TlsFiles> {
  const authority = await makeTestCa(dir, "etcd test CA");
  const server = await authority.issue("etcd-server", { ip: "127.0.0.1" });
  const client = await authority.issue("etcd-client", { commonName: "serverledge-node" });
  return { authority, server, client };
}

class _EtcdProcess implements EtcdServer {
  readonly address: string;
  readonly url: string;
  readonly dir: string;
  readonly tls: _TlsFiles | undefined;
  users: EtcdServer["users"];
  #peerPort: number;
  #options: StartEtcdOptions;
  #listenUrls: string;
  #http: Deno.HttpClient | undefined;
  #child: Deno.ChildProcess | undefined;
  #logDone: Promise<void> | undefined;

  constructor(
    dir: string,
    clientPort: number,
    peerPort: number,
    options: StartEtcdOptions,
    tls: _TlsFiles | undefined,
  ) {
    const scheme = tls ? "https" : "http";
    this.dir = dir;
    this.address = `127.0.0.1:${clientPort}`;
    this.url = `${scheme}://${this.address}`;
    const alsoListenOn = options.alsoListenOn ?? [];
    this.#listenUrls = [
      this.url,
      ...alsoListenOn.map((host) => `${scheme}://${host}:${clientPort}`),
    ]
      .join(",");
    this.tls = tls;
    this.#peerPort = peerPort;
    this.#options = options;
    if (tls) {
      const read = (path: string) => Deno.readTextFileSync(path);
      this.#http = Deno.createHttpClient({
        caCerts: [read(tls.authority.cert)],
        cert: read(tls.client.cert),
        key: read(tls.client.key),
      });
    }
  }

  get security(): EtcdSecurity {
    const tls = this.tls && {
      ca: this.tls.authority.cert,
      cert: this.tls.client.cert,
      key: this.tls.client.key,
    };
    return { ...this.users?.registry, tls };
  }

  /**
   * Adds `root` (with the root role) and `registry` (with a role limited to the registry's
   * prefixes), with random passwords, then enables authentication.
   */
  async enableAuth(): Promise<void> {
    const users = {
      root: { username: "root", password: crypto.randomUUID() },
      registry: { username: "serverledge", password: crypto.randomUUID() },
    };
    await this.asRoot(async (client) => {
      await client.role("root").create();
      await client.user(users.root.username).create(users.root.password);
      await client.user(users.root.username).addRole("root");
      const role = await client.role(_REGISTRY_ROLE).create();
      for (const prefix of REGISTRY_PREFIXES) {
        await role.grant({ permission: "Readwrite", range: client.range({ prefix }) });
      }
      await client.user(users.registry.username).create(users.registry.password);
      await client.user(users.registry.username).addRole(role);
      await client.auth.authEnable();
    });
    this.users = users;
  }

  async asRoot<T>(use: (client: Etcd3) => Promise<T>): Promise<T> {
    const tls = this.security.tls;
    const security = await readClientSecurity({ ...this.users?.root, tls });
    const connection = new EtcdConnection(this.address, 5_000, security);
    try {
      return await use(connection.client);
    } finally {
      connection.close();
    }
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const child = this.#spawn();
    this.#child = child;
    const log = await Deno.open(join(this.dir, "etcd.log"), { append: true, create: true });
    this.#logDone = child.stderr.pipeTo(log.writable).catch(() => {});
    try {
      await this.#waitHealthy(child);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const killer = setTimeout(() => _kill(child, "SIGKILL"), 5_000);
    _kill(child, "SIGTERM");
    _kill(child, "SIGCONT");
    await child.status;
    clearTimeout(killer);
    await this.#logDone;
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    _kill(child, "SIGKILL");
    await child.status;
    await this.#logDone;
  }

  async freeze(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    _kill(child, "SIGSTOP");
    await until(() => _allThreadsStopped(child.pid), "etcd's threads to stop", {
      timeoutMs: 5_000,
      pollMs: 1,
    });
  }

  unreadBytes(): Promise<number> {
    return _unreadBytesOnPort(Number(this.address.split(":")[1]));
  }

  thaw(): void {
    if (this.#child) _kill(this.#child, "SIGCONT");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    // kill: a graceful stop sends GOAWAY on the connections clients left open (npm etcd3 never
    // closes the one it authenticates on), which sometimes crashes Deno 2.9 itself when they
    // are TLS connections (denoland/deno#36788)
    await this.kill();
    this.#http?.close();
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }

  #spawn(): Deno.ChildProcess {
    const peer = `http://127.0.0.1:${this.#peerPort}`;
    const tls = this.tls;
    const args = [
      "--name=test",
      `--data-dir=${join(this.dir, "data")}`,
      `--listen-client-urls=${this.#listenUrls}`,
      `--advertise-client-urls=${this.url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      "--logger=zap",
      "--log-outputs=stderr",
      `--auth-token-ttl=${this.#options.authTokenTtlSeconds ?? 300}`,
      ...(tls
        ? [
          `--cert-file=${tls.server.cert}`,
          `--key-file=${tls.server.key}`,
          `--trusted-ca-file=${tls.authority.cert}`,
          "--client-cert-auth",
        ]
        : []),
    ];
    try {
      return new Deno.Command("etcd", { args, stdin: "null", stdout: "null", stderr: "piped" })
        .spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new Error('etcd is not installed: run "apt-get install etcd-server"', {
          cause: error,
        });
      }
      throw error;
    }
  }

  async #waitHealthy(child: Deno.ChildProcess): Promise<void> {
    let exited = false;
    child.status.then(() => exited = true);
    const startTimeoutMs = this.#options.startTimeoutMs ?? 15_000;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`Cannot start etcd at "${this.address}": it exited, see "${this.#log}"`);
      }
      if (await _healthy(this.url, this.#http)) return;
      await sleep(50);
    }
    throw new Error(
      `Cannot start etcd at "${this.address}": no answer within ${startTimeoutMs} ms, ` +
        `see "${this.#log}"`,
    );
  }

  get #log(): string {
    return join(this.dir, "etcd.log");
  }
}

function _freePorts(count: number): number[] {
  const listeners = Array.from({ length: count }, () => {
    return Deno.listen({ hostname: "127.0.0.1", port: 0 });
  });
  for (const listener of listeners) listener.close();
  return listeners.map((listener) => listener.addr.port);
}

async function _healthy(url: string, client: Deno.HttpClient | undefined): Promise<boolean> {
  try {
    const signal = AbortSignal.timeout(1_000);
    const response = await fetch(`${url}/health`, { signal, client });
    const body = await response.text();
    return response.ok && body.includes('"true"');
  } catch {
    return false;
  }
}

/** Whether every thread of process `pid` is stopped (state `T`, as `ps` shows it). */
async function _allThreadsStopped(pid: number): Promise<boolean> {
  // Deno lets only --allow-all read /proc, so ask procps
  const states = await _outputOf("ps", ["-L", "-o", "stat=", "-p", String(pid)]);
  const threads = states.split("\n").map((state) => state.trim()).filter((state) => state);
  return threads.length > 0 && threads.every((state) => state.startsWith("T"));
}

/** The bytes waiting unread in the receive queues of established TCP sockets on local `port`. */
async function _unreadBytesOnPort(port: number): Promise<number> {
  // columns of `ss` for one state: Recv-Q Send-Q Local-Address:Port Peer-Address:Port
  const sockets = await _outputOf("ss", ["-tnH", "state", "established", `( sport = :${port} )`]);
  return sockets.split("\n").filter((line) => line.trim())
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0]), 0);
}

/** Standard output of a command that must succeed. */
async function _outputOf(command: string, args: string[]): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(command, { args, stdin: "null" })
    .output();
  const decoder = new TextDecoder();
  if (!success) throw new Error(`${command} ${args.join(" ")}: ${decoder.decode(stderr)}`);
  return decoder.decode(stdout);
}

function _kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already exited
  }
}
