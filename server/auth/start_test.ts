// The secure default at start, against real node processes: no token-less start on an address
// beyond loopback (refused before the node touches Docker or its data dir, so before it binds),
// a broken tokens file named with its line, and the warnings of auth.disabled and of a cluster
// node without cluster.secret.
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { newToken, tokenHash, tokenLine } from "../../protocol/auth.ts";
import { ConfigError, parseConfig } from "../config/mod.ts";
import type { ContainerBackend } from "../containers/backend.ts";
import { startNode } from "../node.ts";
import { freePort, spawnMain, startNodeProcess } from "../testing/node_process.ts";
import { writeTokensFile } from "../testing/tokens.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function docker(...args: string[]): Promise<string> {
  const out = await new Deno.Command("docker", { args, stderr: "inherit" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Runs `main.ts` with `config` (and a leftover container of its node id), expects it to stop
 * with exit code 1, and answers its stderr; checks it touched neither the container nor its
 * data dir (the node binds its port only after both).
 */
async function refusedStart(config: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-auth-start-" });
  const id = `auth-start-${crypto.randomUUID().slice(0, 8)}`;
  const leftover = await docker(
    "create",
    "--label",
    `serverledge.node=${id}`,
    "serverledge-python311",
  );
  try {
    const port = freePort();
    const file = `${dir}/serverledge-conf.yaml`;
    await Deno.writeTextFile(
      file,
      stringify({ "api.port": port, "node.id": id, "data.dir": `${dir}/data`, ...config }),
    );
    const child = spawnMain([file]);
    const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
    await child.stdout.cancel();
    assert.equal(status.code, 1, stderr);
    assert.equal(await docker("ps", "-aq", "--filter", `id=${leftover}`), leftover.slice(0, 12));
    assert.equal(await exists(`${dir}/data`), false, "the data dir was not created");
    return stderr;
  } finally {
    await docker("rm", "-f", leftover);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test(
  "a node on a non-loopback api.ip without tokens refuses to start, touching nothing",
  opts,
  async () => {
    const stderr = await refusedStart({ "api.ip": "0.0.0.0" });
    assert.match(
      stderr,
      /^Cannot start the node: api\.ip "0\.0\.0\.0" is not a loopback address and no tokens are configured: create a token with "serverledge-cli token -role admin", put the line it prints in a file and set auth\.tokens\.file to that file \(or set auth\.disabled: true to serve without tokens\)\n$/,
    );
  },
);

Deno.test("startNode refuses every non-loopback api.ip without tokens before using Docker", async () => {
  const touched: string[] = [];
  const backend = new Proxy({} as ContainerBackend, {
    get: (_target, name) => () => {
      touched.push(String(name));
      return Promise.reject(new Error("Docker must not be used"));
    },
  });
  for (const ip of ["0.0.0.0", "::", "10.20.30.40", "myhost.example"]) {
    const config = parseConfig(stringify({ "api.ip": ip }), "yaml", "test");
    await assert.rejects(
      startNode(config, { backend, log: () => {} }),
      (error) => error instanceof ConfigError && error.message.startsWith(`api.ip "${ip}" is not`),
      ip,
    );
  }
  assert.deepEqual(touched, []);
});

Deno.test("a broken tokens file stops the start with its line number", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-auth-tokens-" });
  try {
    const good = tokenLine(await tokenHash(newToken()), "admin");
    await Deno.writeTextFile(
      `${dir}/tokens`,
      `# operators\n${good}\nsha256:${"f".repeat(64)} root\n`,
    );
    const stderr = await refusedStart({ "auth.tokens.file": `${dir}/tokens` });
    assert.match(
      stderr,
      /^Cannot start the node: Tokens file ".*\/tokens" line 3: "root" is not a role: use admin, deploy, invoke or read\n$/,
    );
    const missing = await refusedStart({ "auth.tokens.file": `${dir}/none` });
    assert.match(missing, /^Cannot start the node: Cannot read the tokens file ".*\/none"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("auth.disabled serves without tokens and says so at start", opts, async () => {
  await using node = await startNodeProcess({ config: { "auth.disabled": true } });
  assert.match(
    node.output(),
    /Warning: auth\.disabled is true: every request is served without a token, so whoever reaches 127\.0\.0\.1:\d+ may create, run and delete functions/,
  );
  assert.equal(await fetch(`${node.url}/status`).then((r) => (r.body?.cancel(), r.status)), 200);
});

Deno.test(
  "a cluster node with tokens and no cluster.secret says offloading needs one",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "serverledge-auth-cluster-" });
    try {
      const token = newToken();
      await writeTokensFile(`${dir}/tokens`, [[token, "read"]]);
      await using node = await startNodeProcess({
        config: {
          "auth.tokens.file": `${dir}/tokens`,
          "cloud.server.url": `http://127.0.0.1:${freePort()}`,
        },
        token,
      });
      assert.match(
        node.output(),
        /Warning: offloading to and from this node needs cluster\.secret/,
      );
      const anonymous = await fetch(`${node.url}/status`);
      assert.equal(anonymous.status, 401, await anonymous.text());
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
