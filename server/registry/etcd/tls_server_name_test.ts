import assert from "node:assert/strict";
import tls from "node:tls";
import { makeTestCa } from "../../testing/certificates.ts";
import { tempDir } from "../../testing/registry_fixtures.ts";
import { dropIpServerNames } from "./tls_server_name.ts";

/**
 * Connects with node:tls as grpc-js does (the IP address as server name); resolves the outcome,
 * or the error it failed with (thrown or emitted).
 */
function connect(port: number, ca: string): Promise<string> {
  return new Promise((resolve) => {
    try {
      const options = { host: "127.0.0.1", port, servername: "127.0.0.1", ca };
      const socket = tls.connect(options, () => {
        resolve(socket.authorized ? "authorized" : `unauthorized: ${socket.authorizationError}`);
        socket.destroy();
      });
      socket.on("error", (error) => resolve(`error: ${error.message}`));
    } catch (error) {
      resolve(`thrown: ${error instanceof Error ? error.message : error}`);
    }
  });
}

/** Serves TLS on 127.0.0.1 with a certificate for `ip`; accepts and drops connections. */
async function serve(dir: string, ca: Awaited<ReturnType<typeof makeTestCa>>, ip: string) {
  const files = await ca.issue(`server-${ip}`, { ip });
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(files.cert),
    key: await Deno.readTextFile(files.key),
  });
  const accepting = (async () => {
    for await (const connection of listener) {
      await connection.handshake().catch(() => {});
      connection.close();
    }
  })();
  return {
    port: listener.addr.port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting.catch(() => {});
    },
    dir,
  };
}

Deno.test("dropIpServerNames() lets TLS reach an IP address and still checks the certificate", async () => {
  await using dir = await tempDir();
  const ca = await makeTestCa(dir.path, "test CA");
  const caPem = await Deno.readTextFile(ca.cert);
  await using right = await serve(dir.path, ca, "127.0.0.1");
  await using wrong = await serve(dir.path, ca, "127.0.0.2");

  assert.match(await connect(right.port, caPem), /servername.*must not be an IP address/);
  dropIpServerNames();
  dropIpServerNames(); // twice is harmless
  assert.equal(await connect(right.port, caPem), "authorized");
  assert.match(await connect(wrong.port, caPem), /IP: 127\.0\.0\.1 is not in the cert's list/);
  const other = await makeTestCa(dir.path, "other CA");
  assert.match(await connect(right.port, await Deno.readTextFile(other.cert)), /unable to verify/);
});
