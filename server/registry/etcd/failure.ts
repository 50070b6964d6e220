/**
 * What went wrong when etcd refused this node or could not be reached over TLS, in words that
 * name the setting to fix: the user or password, the CA, the client certificate.
 *
 * @module
 */
import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError } from "etcd3";
import { REGISTRY_PREFIXES } from "./key_prefixes.ts";

/** What the explanation may name: the client's settings. */
export interface FailureContext {
  /** The host connected to, as npm `etcd3` takes it (`host:port` or `https://host:port`). */
  readonly host: string;
  /** Whether the connection uses TLS. */
  readonly tls: boolean;
  /** `etcd.username`, when set. */
  readonly username?: string;
  /** `etcd.tls.ca`, when set. */
  readonly ca?: string;
  /** `etcd.tls.cert`, when set. */
  readonly cert?: string;
}

/**
 * The message of an error from npm `etcd3` (or of any error), without the empty
 * "Resolution note:" that gRPC appends and the times it puts in brackets.
 *
 * @example
 * ```ts
 * import { etcdErrorMessage } from "./failure.ts";
 *
 * const error = new Error("14 UNAVAILABLE: No connection established. Resolution note: ");
 * etcdErrorMessage(error); // "14 UNAVAILABLE: No connection established."
 * ```
 */
export function etcdErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\s*\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\)/g, "")
    .replace(/\s*Resolution note:\s*$/, "");
}

/**
 * Why etcd refused the node (user, password, permissions) or the TLS connection failed (etcd's
 * certificate, the client certificate), as the end of a sentence starting with the registry's
 * name, e.g. `refused user "node": …`; `undefined` for other failures (etcd down, timeouts).
 *
 * @example
 * ```ts
 * import { EtcdAuthenticationFailedError } from "etcd3";
 * import { explainEtcdFailure } from "./failure.ts";
 *
 * const error = new EtcdAuthenticationFailedError("etcdserver: authentication failed");
 * explainEtcdFailure(error, { host: "10.0.0.7:2379", tls: false, username: "node" });
 * // 'refused user "node": the user does not exist or its password is wrong ...'
 * ```
 */
export function explainEtcdFailure(error: unknown, context: FailureContext): string | undefined {
  const detail = etcdErrorMessage(error);
  return _authFailure(error, detail, context) ?? _tlsFailure(detail, context);
}

function _authFailure(
  error: unknown,
  detail: string,
  context: FailureContext,
): string | undefined {
  const { username } = context;
  if (error instanceof EtcdAuthenticationFailedError) {
    return `refused user "${username}": the user does not exist or its password is wrong ` +
      "(etcd does not say which), check etcd.username and etcd.password";
  }
  if (/authentication is not enabled/.test(detail)) {
    return "has authentication disabled although etcd.username is set: enable it in etcd " +
      '("etcdctl auth enable"), or clear etcd.username and etcd.password';
  }
  if (/user name is empty/.test(detail)) {
    return "requires a user: set etcd.username and etcd.password";
  }
  if (error instanceof EtcdPermissionDeniedError) {
    if (username === undefined) {
      return "denied access: set etcd.username and etcd.password (without them etcd takes " +
        "the user from the client certificate's common name)";
    }
    return `denied user "${username}" access: grant its role readwrite permission on the ` +
      `key prefixes ${REGISTRY_PREFIXES.join(", ")}`;
  }
  return undefined;
}

function _tlsFailure(detail: string, context: FailureContext): string | undefined {
  const { ca, cert } = context;
  if (!context.tls) {
    if (!/Failed to connect|ECONNRESET/.test(detail)) return undefined;
    return "closed the connection at once: if it serves TLS only, set etcd.tls.ca (and " +
      `etcd.tls.cert and etcd.tls.key if it requires a client certificate) (${detail})`;
  }
  if (/verify the first certificate|self[- ]signed|local issuer|UnknownIssuer/i.test(detail)) {
    const trusted = ca === undefined
      ? "the default CAs do not trust: set etcd.tls.ca to the CA that signed it"
      : `the CA of etcd.tls.ca ("${ca}") did not sign: set etcd.tls.ca to the CA that did`;
    return `presented a TLS certificate that ${trusted} (${detail})`;
  }
  if (/altnames|NotValidForName/i.test(detail)) {
    return `presented a TLS certificate not valid for "${_hostname(context.host)}": set ` +
      `etcd.address to a name or address the certificate lists (${detail})`;
  }
  if (
    /BadCertificate|bad certificate|CertificateRequired|UnknownCA|EPIPE|ECONNRESET/i.test(detail)
  ) {
    const fix = cert === undefined
      ? "because it requires a client certificate: set etcd.tls.cert and etcd.tls.key"
      : `refusing the client certificate of etcd.tls.cert ("${cert}"): it must be signed by a ` +
        "CA etcd trusts (its --trusted-ca-file) and meant for client authentication";
    return `ended the TLS handshake, most likely ${fix} (${detail})`;
  }
  if (/wrong version number|disconnected before secure TLS/i.test(detail)) {
    return "does not speak TLS on this port: clear the etcd.tls.* keys, or use the port " +
      `where etcd serves TLS (${detail})`;
  }
  return undefined;
}

function _hostname(host: string): string {
  return host.replace(/^https:\/\//, "").replace(/:\d+$/, "");
}
