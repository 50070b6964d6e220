import assert from "node:assert/strict";
import { ConfigError } from "../../config/error.ts";
import { makeTestCa } from "../../testing/certificates.ts";
import { tempDir } from "../../testing/registry_fixtures.ts";
import { type EtcdSecurity, readClientSecurity } from "./client_security.ts";

/** Asserts that `settings` are refused with a ConfigError on `key` whose message has `parts`. */
async function assertRefused(settings: EtcdSecurity, key: string, ...parts: string[]) {
  const error = await readClientSecurity(settings).then(() => undefined, (error) => error);
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
  assert.equal(error.key, key, error.message);
  for (const part of parts) assert.ok(error.message.includes(part), error.message);
  assert.doesNotMatch(error.message, /\.$/);
}

Deno.test("readClientSecurity() passes a user and its password, and nothing when unset", async () => {
  assert.deepEqual(await readClientSecurity({}), { auth: undefined, files: {} });
  const empty = { username: "", password: "", tls: { ca: "", cert: "", key: "" } };
  assert.deepEqual(await readClientSecurity(empty), { auth: undefined, files: {} });
  const auth = await readClientSecurity({ username: "node", password: " pw " });
  assert.deepEqual(auth, { auth: { username: "node", password: " pw " }, files: {} });
});

Deno.test("readClientSecurity() refuses a user without password and the reverse", async () => {
  await assertRefused(
    { username: "node" },
    "etcd.password",
    '"etcd.username" is set but "etcd.password" is empty',
    "SERVERLEDGE_ETCD_PASSWORD",
  );
  await assertRefused({ password: "pw" }, "etcd.username", '"etcd.password" is set');
});

Deno.test("readClientSecurity() reads the CA, the client certificate and its key", async () => {
  await using dir = await tempDir();
  const ca = await makeTestCa(dir.path, "test CA");
  const client = await ca.issue("client");
  const security = await readClientSecurity({ tls: { ca: ca.cert, ...client } });
  const pem = (path: string) => Deno.readTextFile(path);
  assert.equal(security.credentials?.rootCertificate.toString(), await pem(ca.cert));
  assert.equal(security.credentials?.certChain?.toString(), await pem(client.cert));
  assert.equal(security.credentials?.privateKey?.toString(), await pem(client.key));
  assert.deepEqual(security.files, { ca: ca.cert, cert: client.cert });

  const caOnly = await readClientSecurity({ tls: { ca: ca.cert } });
  assert.equal(caOnly.credentials?.certChain, undefined);
  const defaultCas = await readClientSecurity({ tls: client });
  assert.match(defaultCas.credentials?.rootCertificate.toString() ?? "", /BEGIN CERTIFICATE/);
  assert.notEqual(defaultCas.credentials?.rootCertificate.toString(), await pem(ca.cert));
});

Deno.test("readClientSecurity() refuses a certificate without key and the reverse", async () => {
  await assertRefused(
    { tls: { cert: "c.pem" } },
    "etcd.tls.key",
    '"etcd.tls.cert" is set but "etcd.tls.key" is empty',
  );
  await assertRefused({ tls: { key: "k.pem" } }, "etcd.tls.cert", '"etcd.tls.key" is set');
});

Deno.test("readClientSecurity() names the key and the file it cannot use", async () => {
  await using dir = await tempDir();
  const ca = await makeTestCa(dir.path, "test CA");
  const client = await ca.issue("client");
  const other = await ca.issue("other");
  const missing = `${dir.path}/missing.key`;
  await assertRefused(
    { tls: { ...client, key: missing } },
    "etcd.tls.key",
    `Cannot read the file "${missing}" of config key "etcd.tls.key": it does not exist`,
  );
  await assertRefused(
    { tls: { ...client, key: dir.path } },
    "etcd.tls.key",
    `"${dir.path}"`,
    "it is a directory",
  );
  await assertRefused(
    { tls: { ca: client.key } },
    "etcd.tls.ca",
    `The file "${client.key}" of config key "etcd.tls.ca" holds no PEM certificate`,
  );
  await assertRefused({ tls: { ...client, cert: client.key } }, "etcd.tls.cert", "no PEM");
  await assertRefused(
    { tls: { ...client, key: client.cert } },
    "etcd.tls.key",
    "holds no readable private key",
  );
  await assertRefused(
    { tls: { cert: client.cert, key: other.key } },
    "etcd.tls.key",
    `"${other.key}" of config key "etcd.tls.key" is not the private key of the certificate ` +
      `"${client.cert}"`,
  );
  const expired = await ca.issue("expired", { days: 0 });
  await assertRefused({ tls: expired }, "etcd.tls.cert", `"${expired.cert}"`, "expired on");
});
