/**
 * How a node proves who it is to etcd and checks etcd's certificate: `etcd.username` and
 * `etcd.password`, and client TLS from the PEM files of `etcd.tls.ca`, `etcd.tls.cert` and
 * `etcd.tls.key`, read and checked once, when the registry opens.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { ConfigError, errorText } from "../../config/error.ts";

/** The node's etcd settings as the config holds them; an empty or absent value is not set. */
export interface EtcdSecurity {
  /** `etcd.username`: the etcd user the node authenticates as. */
  readonly username?: string;
  /** `etcd.password`: its password. */
  readonly password?: string;
  /** Client TLS: paths of PEM files; any of them set means TLS. */
  readonly tls?: {
    /** `etcd.tls.ca`: the CA that signed etcd's certificate (default: the default CAs). */
    readonly ca?: string;
    /** `etcd.tls.cert`: the node's client certificate. */
    readonly cert?: string;
    /** `etcd.tls.key`: the private key of the client certificate. */
    readonly key?: string;
  };
}

/** The settings of {@linkcode EtcdSecurity} as the npm `etcd3` client takes them. */
export interface EtcdClientSecurity {
  /** User name and password, when set. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** TLS material, when any `etcd.tls.*` key is set. */
  readonly credentials?: {
    readonly rootCertificate: Buffer;
    readonly certChain?: Buffer;
    readonly privateKey?: Buffer;
  };
  /** The files read, for messages. */
  readonly files: { readonly ca?: string; readonly cert?: string };
}

/**
 * Reads and checks the settings: a user name goes with a password, a client certificate with
 * its key; each file must be readable and hold what its key says (the CA and the client
 * certificate a PEM certificate, the key an unencrypted PEM private key of that certificate),
 * and the client certificate must not have expired.
 *
 * @throws {ConfigError} naming the key (and its file) at fault, and what to do
 *
 * @example
 * ```ts
 * import { readClientSecurity } from "./client_security.ts";
 *
 * const security = await readClientSecurity({ username: "node", password: "s3cret" });
 * console.log(security.auth?.username, security.credentials); // "node" undefined
 * ```
 */
export async function readClientSecurity(settings: EtcdSecurity): Promise<EtcdClientSecurity> {
  const auth = _auth(settings.username ?? "", settings.password ?? "");
  const ca = settings.tls?.ca ?? "";
  const cert = settings.tls?.cert ?? "";
  const key = settings.tls?.key ?? "";
  if ((cert === "") !== (key === "")) {
    const [set, missing] = cert === "" ? ["etcd.tls.key", "etcd.tls.cert"] : [
      "etcd.tls.cert",
      "etcd.tls.key",
    ];
    throw new ConfigError(
      `Config key "${set}" is set but "${missing}" is empty: a client certificate needs both ` +
        "its certificate and its private key",
      missing,
    );
  }
  if (ca === "" && cert === "") return { auth, files: {} };
  const files = { ca: ca || undefined, cert: cert || undefined };
  const caPem = ca === "" ? rootCertificates.join("\n") : await _read("etcd.tls.ca", ca);
  if (ca !== "") _certificate("etcd.tls.ca", ca, caPem);
  const rootCertificate = Buffer.from(caPem);
  if (cert === "") return { auth, credentials: { rootCertificate }, files };
  const certPem = await _read("etcd.tls.cert", cert);
  const keyPem = await _read("etcd.tls.key", key);
  _checkClientCertificate(cert, certPem, key, keyPem);
  const credentials = {
    rootCertificate,
    certChain: Buffer.from(certPem),
    privateKey: Buffer.from(keyPem),
  };
  return { auth, credentials, files };
}

function _auth(username: string, password: string): EtcdClientSecurity["auth"] {
  if (username === "" && password === "") return undefined;
  if (username === "") {
    throw new ConfigError(
      'Config key "etcd.password" is set but "etcd.username" is empty: set the etcd user ' +
        "the password belongs to",
      "etcd.username",
    );
  }
  if (password === "") {
    throw new ConfigError(
      'Config key "etcd.username" is set but "etcd.password" is empty: set the password in ' +
        "the config file or in SERVERLEDGE_ETCD_PASSWORD",
      "etcd.password",
    );
  }
  return { username, password };
}

async function _read(key: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(
      `Cannot read the file "${path}" of config key "${key}": ${_readFailure(error)}`,
      key,
      { cause: error },
    );
  }
}

function _readFailure(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "it does not exist";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory, not a PEM file";
  return errorText(error);
}

function _certificate(key: string, path: string, pem: string): X509Certificate {
  try {
    if (pem.includes("-----BEGIN CERTIFICATE-----")) return new X509Certificate(pem);
  } catch {
    // reported below
  }
  throw new ConfigError(
    `The file "${path}" of config key "${key}" holds no PEM certificate: give the path of ` +
      'a "-----BEGIN CERTIFICATE-----" file',
    key,
  );
}

function _privateKey(path: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new ConfigError(
      `The file "${path}" of config key "etcd.tls.key" holds no readable private key: it ` +
        "must be an unencrypted PEM key",
      "etcd.tls.key",
      { cause: error },
    );
  }
}

function _checkClientCertificate(
  certPath: string,
  certPem: string,
  keyPath: string,
  keyPem: string,
): void {
  const certificate = _certificate("etcd.tls.cert", certPath, certPem);
  if (!certificate.checkPrivateKey(_privateKey(keyPath, keyPem))) {
    throw new ConfigError(
      `The file "${keyPath}" of config key "etcd.tls.key" is not the private key of the ` +
        `certificate "${certPath}" of "etcd.tls.cert": give the key made with that certificate`,
      "etcd.tls.key",
    );
  }
  if (new Date(certificate.validTo).getTime() <= Date.now()) {
    throw new ConfigError(
      `The certificate "${certPath}" of config key "etcd.tls.cert" expired on ` +
        `${new Date(certificate.validTo).toISOString()}: give a certificate still valid`,
      "etcd.tls.cert",
    );
  }
}
