/**
 * Test fixture: a real etcd process on 127.0.0.1 with free ports and a temporary data dir.
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
 * @module
 */
import { join } from "node:path";
import { sleep } from "../timing/sleep.ts";

/** A running (or stopped) etcd started by {@linkcode startEtcd}. */
export interface EtcdServer extends AsyncDisposable {
  /** Client address as Serverledge's `etcd.address` takes it, e.g. `127.0.0.1:40123`. */
  readonly address: string;
  /** Client URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Directory holding the data dir and the log file `etcd.log`. */
  readonly dir: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** Stops the process (SIGTERM, then SIGKILL) and keeps ports and data dir for `start`. */
  stop(): Promise<void>;
  /** Kills the process at once (SIGKILL, frozen or not); keeps ports and data dir for `start`. */
  kill(): Promise<void>;
  /**
   * Freezes the process (SIGSTOP): its connections stay open, and it reads and answers nothing
   * until {@linkcode EtcdServer.thaw}.
   */
  freeze(): void;
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
}

/**
 * Starts a real etcd (the `etcd` binary from `PATH`) on 127.0.0.1 with free client and peer
 * ports and a temporary data dir, and waits until it answers. Disposing it kills the process
 * and removes the data dir.
 *
 * @throws {Error} when `etcd` is not installed, or does not answer in time
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
  const [clientPort, peerPort] = _freePorts(2);
  const server = new _EtcdProcess(
    dir,
    clientPort,
    peerPort,
    options.startTimeoutMs ?? 15_000,
    options.alsoListenOn ?? [],
  );
  try {
    await server.start();
  } catch (error) {
    await server[Symbol.asyncDispose]();
    throw error;
  }
  return server;
}

class _EtcdProcess implements EtcdServer {
  readonly address: string;
  readonly url: string;
  readonly dir: string;
  #peerPort: number;
  #startTimeoutMs: number;
  #listenUrls: string;
  #child: Deno.ChildProcess | undefined;
  #logDone: Promise<void> | undefined;

  constructor(
    dir: string,
    clientPort: number,
    peerPort: number,
    startTimeoutMs: number,
    alsoListenOn: readonly string[],
  ) {
    this.dir = dir;
    this.address = `127.0.0.1:${clientPort}`;
    this.url = `http://${this.address}`;
    this.#listenUrls = [this.url, ...alsoListenOn.map((host) => `http://${host}:${clientPort}`)]
      .join(",");
    this.#peerPort = peerPort;
    this.#startTimeoutMs = startTimeoutMs;
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

  freeze(): void {
    if (this.#child) _kill(this.#child, "SIGSTOP");
  }

  thaw(): void {
    if (this.#child) _kill(this.#child, "SIGCONT");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }

  #spawn(): Deno.ChildProcess {
    const peer = `http://127.0.0.1:${this.#peerPort}`;
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
    const deadline = Date.now() + this.#startTimeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`Cannot start etcd at "${this.address}": it exited, see "${this.#log}"`);
      }
      if (await _healthy(this.url)) return;
      await sleep(50);
    }
    throw new Error(
      `Cannot start etcd at "${this.address}": no answer within ${this.#startTimeoutMs} ms, ` +
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

async function _healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = await response.text();
    return response.ok && body.includes('"true"');
  } catch {
    return false;
  }
}

function _kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already exited
  }
}
