/**
 * Test fixture: a TCP proxy on 127.0.0.1 that forwards every connection to a target, and can
 * cut the connections it carries (as a network failure would) while accepting new ones.
 *
 * @example Cut a client's connections to etcd
 * ```ts
 * import { startTcpProxy } from "./tcp_proxy.ts";
 *
 * await using proxy = startTcpProxy("127.0.0.1:2379");
 * console.log(proxy.address); // e.g. "127.0.0.1:40125": give it to the client
 * proxy.cut(); // the client reconnects through the proxy
 * ```
 *
 * @module
 */

/** A running proxy. */
export interface TcpProxy extends AsyncDisposable {
  /** Where clients connect, `127.0.0.1:<port>`. */
  readonly address: string;
  /** Closes every connection carried so far, on both sides; new ones are accepted. */
  cut(): void;
}

/** Starts a proxy to `target` (`host:port`). Disposing it stops it and cuts every connection. */
export function startTcpProxy(target: string): TcpProxy {
  const [hostname, port] = [target.replace(/:\d+$/, ""), Number(target.split(":").pop())];
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const cut = () => {
    for (const connection of open) _close(connection);
    open.clear();
  };
  const forward = async (client: Deno.Conn) => {
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname, port });
    } catch {
      return _close(client);
    }
    open.add(client).add(server);
    await Promise.allSettled([
      client.readable.pipeTo(server.writable),
      server.readable.pipeTo(client.writable),
    ]);
    for (const connection of [client, server]) {
      open.delete(connection);
      _close(connection);
    }
  };
  const accepting = (async () => {
    for await (const client of listener) forward(client);
  })().catch(() => {});
  return {
    address: `127.0.0.1:${listener.addr.port}`,
    cut,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      cut();
    },
  };
}

function _close(connection: Deno.Conn): void {
  try {
    connection.close();
  } catch {
    // already closed
  }
}
