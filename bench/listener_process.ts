/**
 * The floors' helper processes (a bare Deno proxy, a byte pipe, `socat`): each started on a free
 * TCP port of 127.0.0.1, and ready once that port accepts a connection.
 *
 * @module
 */
import { freePort } from "../server/testing/node_process.ts";
import { sleep } from "../server/timing/sleep.ts";

/** A helper process listening on 127.0.0.1; disposing of it stops it. */
export interface ListenerProcess extends AsyncDisposable {
  /** The port it listens on. */
  port: number;
  /** Its base URL, `http://127.0.0.1:<port>`. */
  url: string;
}

const READY_WITHIN_MS = 10_000;
const POLL_MS = 10;

/**
 * Starts `command` with the arguments `args` gives for a free port; resolves once the port
 * accepts a connection, throws when the process ends first or the port stays closed for 10 s.
 */
export async function startListener(
  command: string,
  args: (port: number) => string[],
): Promise<ListenerProcess> {
  const port = freePort();
  const child = new Deno.Command(command, { args: args(port), stdout: "null", stdin: "null" })
    .spawn();
  let exited = false;
  child.status.then(() => exited = true);
  const stop = async () => {
    if (!exited) child.kill();
    await child.status;
  };
  try {
    await untilAccepting(port, () => exited, command);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `http://127.0.0.1:${port}`, [Symbol.asyncDispose]: stop };
}

/**
 * Starts the Deno module `module` as a listener: `deno run <module> <port> ...args`, allowed
 * the network and the files (an executor's Unix socket) and nothing else.
 */
export function startDenoListener(module: URL, args: readonly string[]): Promise<ListenerProcess> {
  return startListener(Deno.execPath(), (port) => [
    "run",
    "--allow-net",
    "--allow-read", // the executors' Unix sockets
    "--allow-write",
    module.pathname,
    String(port),
    ...args,
  ]);
}

/** Resolves once `port` accepts a connection; throws when `exited()` or after 10 s. */
async function untilAccepting(port: number, exited: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + READY_WITHIN_MS; Date.now() < deadline; await sleep(POLL_MS)) {
    if (exited()) throw new Error(`${what} exited before listening on port ${port}`);
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`${what} did not listen on port ${port} within ${READY_WITHIN_MS} ms`);
}
