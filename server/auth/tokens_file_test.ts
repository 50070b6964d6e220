import assert from "node:assert/strict";
import { newToken, tokenHash, tokenLine } from "../../protocol/auth.ts";
import { ConfigError } from "../config/mod.ts";
import { writeTokensFile } from "../testing/tokens.ts";
import { until } from "../testing/until.ts";
import { sleep } from "../timing/sleep.ts";
import { TokensFile } from "./tokens_file.ts";

Deno.test("TokensFile re-reads a changed file; a broken one is logged once, the last good kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tokens-file-" });
  const path = `${dir}/tokens`;
  const [first, second] = [newToken(), newToken()];
  await writeTokensFile(path, [[first, "admin"]]);
  const lines: string[] = [];
  using tokens = await TokensFile.open(path, { log: (l) => lines.push(l), checkIntervalMs: 20 });
  assert.equal(tokens.find(first)?.role, "admin");
  assert.equal(tokens.find(second), undefined);

  // Revoke the first token, add the second: in force without a restart.
  await writeTokensFile(path, [[second, "read"]]);
  await until(() => tokens.find(second) !== undefined, "the new token");
  assert.equal(tokens.find(first), undefined);
  assert.deepEqual(lines, [`Tokens file "${path}" changed: 1 token(s) in force`]);

  // A broken line: logged with its number, once; the second token still works.
  await Deno.writeTextFile(
    path,
    `${tokenLine(await tokenHash(first), "admin")}\nsha256:xyz read\n`,
  );
  await until(() => lines.length === 2, "the broken file to be logged");
  assert.match(lines[1], /changed and cannot be used, keeping the 1 token\(s\) read before/);
  assert.match(lines[1], /line 2: the line must start with "sha256:"/);
  await sleep(100);
  assert.equal(lines.length, 2, "logged once");
  assert.equal(tokens.find(second)?.role, "read");
  assert.equal(tokens.find(first), undefined);

  // Removed: logged once, tokens kept; back again: read.
  await Deno.remove(path);
  await until(() => lines.length === 3, "the missing file to be logged");
  assert.match(lines[2], /Cannot read the tokens file/);
  await sleep(100);
  assert.equal(lines.length, 3, "logged once");
  assert.equal(tokens.find(second)?.role, "read");
  await writeTokensFile(path, [[first, "invoke", "a-*"]]);
  await until(() => tokens.find(first) !== undefined, "the file to be back");
  assert.equal(tokens.find(first)?.pattern, "a-*");
  assert.equal(tokens.find(second), undefined);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("TokensFile.open fails on a missing or broken file, naming it and the line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tokens-file-" });
  const log = () => {};
  await assert.rejects(
    TokensFile.open(`${dir}/none`, { log }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.startsWith(`Cannot read the tokens file "${dir}/none" (auth.tokens.file)`),
  );
  await Deno.writeTextFile(`${dir}/broken`, "# ok\n\nsha256:" + "0".repeat(64) + " writer\n");
  await assert.rejects(
    TokensFile.open(`${dir}/broken`, { log }),
    /Tokens file ".*broken" line 3: "writer" is not a role/,
  );
  await Deno.writeTextFile(`${dir}/huge`, "#".repeat(1024 * 1024 + 1));
  await assert.rejects(TokensFile.open(`${dir}/huge`, { log }), /more than the 1048576/);
  await Deno.remove(dir, { recursive: true });
});
