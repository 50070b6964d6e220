/**
 * Test fixture: a certificate authority of its own and the certificates it signs, made with
 * `openssl` (Debian's `openssl` package) in a directory the test owns.
 *
 * @example A CA, a server certificate for 127.0.0.1 and a client certificate
 * ```ts
 * import { makeTestCa } from "./certificates.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const ca = await makeTestCa(dir, "test CA");
 * const server = await ca.issue("server", { ip: "127.0.0.1" });
 * const client = await ca.issue("client", { commonName: "serverledge-node" });
 * console.log(ca.cert, server.cert, server.key, client.cert, client.key); // PEM file paths
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** A certificate and its private key, as PEM files. */
export interface CertificateFiles {
  /** Path of the certificate (PEM). */
  readonly cert: string;
  /** Path of its unencrypted private key (PEM). */
  readonly key: string;
}

/** What {@linkcode TestCa.issue} puts in a certificate. */
export interface IssueOptions {
  /** An IP address the certificate is valid for: a server certificate. */
  ip?: string;
  /** The subject's common name (etcd reads it as the user of a client certificate). */
  commonName?: string;
  /**
   * Days of validity; 0 makes a certificate that expires as it is made.
   *
   * @default {1}
   */
  days?: number;
}

/** A CA whose certificate and key are files in a directory. */
export interface TestCa extends CertificateFiles {
  /**
   * Makes `<name>.pem` and `<name>.key` in the CA's directory: a server certificate when
   * `ip` is given (for that address), else a client certificate.
   */
  issue(name: string, options?: IssueOptions): Promise<CertificateFiles>;
}

/**
 * Makes a self-signed CA (`<dir>/<slug of name>-ca.pem` and its key) with an EC P-256 key.
 *
 * @throws {Error} when `openssl` is missing or fails, with its output
 */
export async function makeTestCa(dir: string, name: string): Promise<TestCa> {
  const slug = name.replaceAll(/[^A-Za-z0-9]+/g, "-");
  const files = { cert: join(dir, `${slug}-ca.pem`), key: join(dir, `${slug}-ca.key`) };
  await _openssl(
    ["req", "-x509", ..._NEW_KEY, "-keyout", files.key, "-out", files.cert],
    ["-days", "1", "-subj", `/CN=${name}`],
  );
  return {
    ...files,
    issue: (certName, options = {}) => _issue(dir, files, certName, options),
  };
}

/** A new unencrypted EC P-256 key. */
const _NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

async function _issue(
  dir: string,
  ca: CertificateFiles,
  name: string,
  options: IssueOptions,
): Promise<CertificateFiles> {
  const files = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const request = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  const commonName = options.commonName ?? name;
  await _openssl(["req", ..._NEW_KEY, "-keyout", files.key, "-out", request], [
    "-subj",
    `/CN=${commonName}`,
  ]);
  await Deno.writeTextFile(
    extensions,
    options.ip
      ? `subjectAltName=IP:${options.ip}\nextendedKeyUsage=serverAuth\n`
      : "extendedKeyUsage=clientAuth\n",
  );
  const serial = `0x${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await _openssl(
    ["x509", "-req", "-in", request, "-CA", ca.cert, "-CAkey", ca.key, "-out", files.cert],
    ["-set_serial", serial, "-days", String(options.days ?? 1), "-extfile", extensions],
  );
  return files;
}

async function _openssl(...args: string[][]): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("openssl", { args: args.flat(), stdin: "null" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error('openssl is not installed: run "apt-get install openssl"', { cause: error });
    }
    throw error;
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`openssl ${args[0][0]} failed: ${stderr}`);
  }
}
