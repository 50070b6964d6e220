/**
 * Where the node is: `-host`/`-port` on the command line, else `SERVERLEDGE_HOST` /
 * `SERVERLEDGE_PORT` from the environment, else 127.0.0.1:1323 (the node's default address).
 *
 * @module
 */
import { UsageError } from "./errors.ts";

/** A node's host and port. */
export interface NodeAddress {
  /** Host name or IP address. */
  host: string;
  /** TCP port. */
  port: number;
}

/** Host used when neither `-host` nor `SERVERLEDGE_HOST` is given. */
export const DEFAULT_HOST = "127.0.0.1";
/** Port used when neither `-port` nor `SERVERLEDGE_PORT` is given. */
export const DEFAULT_PORT = 1323;

/** Host and port as given on the command line (absent when not given). */
export interface AddressOptions {
  /** `-host` value. */
  host?: string;
  /** `-port` value. */
  port?: string;
}

/**
 * The node's address from the options, else the environment, else the defaults. Throws a
 * {@linkcode UsageError} naming the option or variable whose value is malformed.
 *
 * @example
 * ```ts
 * resolveAddress({ port: "1326" }, (name) => Deno.env.get(name)); // {host: "127.0.0.1", port: 1326}
 * ```
 */
export function resolveAddress(
  options: AddressOptions,
  env: (name: string) => string | undefined,
): NodeAddress {
  const host = pick(options.host, '"-host"', env("SERVERLEDGE_HOST"), "SERVERLEDGE_HOST");
  const port = pick(options.port, '"-port"', env("SERVERLEDGE_PORT"), "SERVERLEDGE_PORT");
  return {
    host: host ? checkHost(host.value, host.source) : DEFAULT_HOST,
    port: port ? checkPort(port.value, port.source) : DEFAULT_PORT,
  };
}

/** The node's base URL, e.g. `http://127.0.0.1:1323` (IPv6 hosts in brackets). */
export function baseUrl(address: NodeAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}

function pick(
  flag: string | undefined,
  flagSource: string,
  variable: string | undefined,
  variableSource: string,
): { value: string; source: string } | undefined {
  if (flag !== undefined) return { value: flag, source: `Option ${flagSource}` };
  if (variable !== undefined && variable !== "") {
    return { value: variable, source: `Environment variable ${variableSource}` };
  }
  return undefined;
}

function checkHost(host: string, source: string): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (!/^[A-Za-z0-9._:%-]+$/.test(bare)) {
    throw new UsageError(`${source} must be a host name or an IP address, got "${host}"`);
  }
  return bare;
}

function checkPort(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new UsageError(`${source} must be a port number from 1 to 65535, got "${text}"`);
  }
  return port;
}
