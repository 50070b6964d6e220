/**
 * Lets the etcd client reach an etcd at an IP address over TLS in Deno.
 *
 * `@grpc/grpc-js` (under npm `etcd3`) always passes the target's host to `tls.connect` as the
 * server name (SNI), an IP address included. An IP address is not a valid server name
 * (RFC 6066): Node warns and says it will ignore it (deprecation DEP0123); Deno's `node:tls`
 * refuses the connection. Dropping such a server name is what Node announces: the server's
 * certificate is still checked against the address connected to (`host`).
 *
 * @module
 */
import { isIP } from "node:net";
import tls from "node:tls";

let _installed = false;

/**
 * Makes `tls.connect` drop a server name that is an IP address, once per process; other
 * server names, and connections without one, are left as they are.
 *
 * @example
 * ```ts
 * import { dropIpServerNames } from "./tls_server_name.ts";
 *
 * dropIpServerNames(); // before the first TLS connection to "https://10.0.0.7:2379"
 * ```
 */
export function dropIpServerNames(): void {
  if (_installed) return;
  _installed = true;
  const connect = tls.connect as (...args: unknown[]) => tls.TLSSocket;
  const withoutIpServerName = (...args: unknown[]) => {
    for (const arg of args) {
      if (typeof arg !== "object" || arg === null) continue;
      const options = arg as tls.ConnectionOptions;
      if (typeof options.servername === "string" && isIP(options.servername) !== 0) {
        delete options.servername;
      }
    }
    return Reflect.apply(connect, tls, args);
  };
  (tls as { connect: typeof withoutIpServerName }).connect = withoutIpServerName;
}
