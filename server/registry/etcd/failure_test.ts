// What EtcdRegistry.open() says when a real etcd refuses the node or the TLS connection fails.
import assert from "node:assert/strict";
import { EtcdAuthenticationFailedError } from "etcd3";
import { UnavailableError } from "../../errors.ts";
import { makeTestCa } from "../../testing/certificates.ts";
import { startEtcd } from "../../testing/etcd.ts";
import { tempDir } from "../../testing/registry_fixtures.ts";
import { EtcdRegistry } from "../etcd.ts";
import type { EtcdSecurity } from "./client_security.ts";
import { etcdErrorMessage, explainEtcdFailure } from "./failure.ts";

/** The message `EtcdRegistry.open()` fails with, which must be an UnavailableError's. */
async function refusal(address: string, security: EtcdSecurity): Promise<string> {
  const error = await EtcdRegistry.open(address, { security }).then(
    async (registry) => (await registry.close(), undefined),
    (error) => error,
  );
  assert.ok(error instanceof UnavailableError, `expected an UnavailableError, got ${error}`);
  assert.doesNotMatch(error.message, /\.$/);
  return error.message;
}

Deno.test("EtcdRegistry.open() says which credential etcd refused", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  const { security } = etcd;
  const at = `Registry "etcd" at "${etcd.address}"`;
  assert.equal(
    await refusal(etcd.address, { ...security, password: "wrong" }),
    `${at} refused user "serverledge": the user does not exist or its password is wrong ` +
      "(etcd does not say which), check etcd.username and etcd.password",
  );
  assert.match(
    await refusal(etcd.address, { ...security, username: "nobody" }),
    /refused user "nobody": the user does not exist or its password is wrong/,
  );
  assert.equal(
    await refusal(etcd.address, { tls: security.tls }),
    `${at} denied access: set etcd.username and etcd.password (without them etcd takes the ` +
      "user from the client certificate's common name)",
  );
});

Deno.test("EtcdRegistry.open() says what failed in the TLS connection", async () => {
  await using etcd = await startEtcd({ tls: true, auth: true });
  const { security } = etcd;
  const tls = security.tls!;
  const at = `Registry "etcd" at "${etcd.address}"`;
  const other = await makeTestCa(etcd.dir, "other CA");

  assert.match(
    await refusal(etcd.address, { ...security, tls: { ...tls, ca: other.cert } }),
    new RegExp(
      `^${at} presented a TLS certificate that the CA of etcd\\.tls\\.ca \\("${other.cert}"\\) ` +
        "did not sign: set etcd\\.tls\\.ca to the CA that did \\(.*unable to verify",
    ),
  );
  assert.match(
    await refusal(`https://${etcd.address}`, {}),
    /presented a TLS certificate that the default CAs do not trust: set etcd\.tls\.ca to the CA/,
  );
  assert.match(
    await refusal(etcd.address, { ...security, tls: { ca: tls.ca } }),
    new RegExp(
      `^${at} ended the TLS handshake, most likely because it requires a client certificate: ` +
        "set etcd\\.tls\\.cert and etcd\\.tls\\.key \\(",
    ),
  );
  const stranger = await other.issue("stranger");
  assert.match(
    await refusal(etcd.address, { ...security, tls: { ca: tls.ca, ...stranger } }),
    new RegExp(
      `ended the TLS handshake, most likely refusing the client certificate of etcd\\.tls\\.cert ` +
        `\\("${stranger.cert}"\\): it must be signed by a CA etcd trusts`,
    ),
  );
  const byName = etcd.address.replace("127.0.0.1", "localhost");
  assert.match(
    await refusal(byName, security),
    /presented a TLS certificate not valid for "localhost": set etcd\.address to a name or/,
  );
  assert.match(
    await refusal(etcd.address, { username: security.username, password: security.password }),
    /closed the connection at once: if it serves TLS only, set etcd\.tls\.ca/,
  );
});

Deno.test("EtcdRegistry.open() says when etcd's authentication does not match the config", async () => {
  await using plain = await startEtcd();
  assert.equal(
    await refusal(plain.address, { username: "node", password: "pw" }),
    `Registry "etcd" at "${plain.address}" has authentication disabled although ` +
      'etcd.username is set: enable it in etcd ("etcdctl auth enable"), or clear etcd.username ' +
      "and etcd.password",
  );
  await using dir = await tempDir();
  const ca = await makeTestCa(dir.path, "test CA");
  assert.match(
    await refusal(plain.address, { tls: { ca: ca.cert, ...await ca.issue("client") } }),
    /does not speak TLS on this port: clear the etcd\.tls\.\* keys, or use the port/,
  );
  await using protectedEtcd = await startEtcd({ auth: true });
  assert.equal(
    await refusal(protectedEtcd.address, {}),
    `Registry "etcd" at "${protectedEtcd.address}" requires a user: set etcd.username and ` +
      "etcd.password",
  );
});

Deno.test("explainEtcdFailure() leaves other failures to the caller", () => {
  const down = new Error(
    "14 UNAVAILABLE: No connection established. Last error: connect " +
      "ECONNREFUSED 127.0.0.1:2379 (2026-01-01T00:00:00.000Z). Resolution note: ",
  );
  const context = { host: "127.0.0.1:2379", tls: true, username: "node" };
  assert.equal(explainEtcdFailure(down, context), undefined);
  assert.equal(explainEtcdFailure(down, { ...context, tls: false }), undefined);
  assert.equal(
    etcdErrorMessage(down),
    "14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379.",
  );
  const refused = new EtcdAuthenticationFailedError("etcdserver: authentication failed");
  assert.match(explainEtcdFailure(refused, context) ?? "", /^refused user "node"/);
});
