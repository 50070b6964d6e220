/**
 * The "byte pipe" floor of the benchmark: one Deno process between a client and a warm
 * executor that does no HTTP work at all. Per accepted TCP connection it opens one connection
 * to the executor and copies bytes both ways, unparsed, until either side closes; what it costs
 * over a direct call is what one process in between costs on the machine. It runs as its own
 * process, started by {@linkcode startBytePipe}; {@linkcode startSocatPipe} starts the same pipe
 * as a native `socat`. By hand: `deno run --allow-net --allow-read
 * --allow-write bench/byte_pipe.ts <port> <executor-url>` (the URL as an executor's `url`:
 * `unix:<socket>` or `http://127.0.0.1:<port>`).
 *
 * @module
 */
import { addressOf, connectTo, type HttpAddress } from "../server/http/client.ts";
import { type ListenerProcess, startDenoListener, startListener } from "./listener_process.ts";

/** Starts a byte pipe to the executor at `executorUrl`; resolves once it listens. */
export function startBytePipe(executorUrl: string): Promise<ListenerProcess> {
  return startDenoListener(new URL(import.meta.url), [executorUrl]);
}

/**
 * Starts the same pipe as a native process, `socat` (forking one child per connection), to the
 * executor's Unix socket at `socketPath`; resolves once it listens, or undefined when `socat`
 * is not installed.
 */
export async function startSocatPipe(socketPath: string): Promise<ListenerProcess | undefined> {
  try {
    return await startListener("socat", (port) => [
      `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,nodelay`,
      `UNIX-CONNECT:${socketPath}`,
    ]);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const CHUNK_BYTES = 64 * 1024;

/** Accepts connections on `port`, each piped to its own connection to `upstream`. */
async function serve(port: number, upstream: HttpAddress): Promise<void> {
  for await (const client of Deno.listen({ hostname: "127.0.0.1", port })) {
    client.setNoDelay(true);
    pipe(client, upstream).catch(() => client.close());
  }
}

/** Connects to `upstream` and copies bytes between it and `client` until one side ends. */
async function pipe(client: Deno.TcpConn, upstream: HttpAddress): Promise<void> {
  const server = await connectTo(upstream);
  const closeBoth = () => {
    for (const conn of [client, server]) {
      try {
        conn.close();
      } catch {
        // already closed by the other direction
      }
    }
  };
  copy(client, server).finally(closeBoth);
  copy(server, client).finally(closeBoth);
}

/** Writes everything read from `from` to `to`, until `from` ends or either fails. */
async function copy(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(CHUNK_BYTES);
  try {
    for (let read = await from.read(buffer); read !== null; read = await from.read(buffer)) {
      for (let written = 0; written < read;) {
        written += await to.write(buffer.subarray(written, read));
      }
    }
  } catch {
    // a side closed or reset: the other is closed after
  }
}

if (import.meta.main) {
  const [port, executorUrl] = Deno.args;
  await serve(Number(port), addressOf(executorUrl));
}
