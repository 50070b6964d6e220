import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { encodeBase64 } from "../protocol/base64.ts";
import { readCodeArchive } from "../server/functions/code_archive.ts";
import { writeTar } from "../protocol/tar_writer.ts";
import { CliError } from "./errors.ts";
import { packSource } from "./source.ts";

const LIMITS = { maxBytes: 1 << 20 };
const HELLO = fileURLToPath(new URL("../examples/hello.py", import.meta.url));
const decoder = new TextDecoder();

async function unpack(path: string) {
  const files = await readCodeArchive(await packSource(path), LIMITS);
  return files.map((f) => ({ path: f.path, mode: f.mode, text: decoder.decode(f.data) }));
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-cli-src-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("packSource packs a file as one entry named by its basename", async () => {
  const files = await unpack(HELLO);
  assert.equal(files.length, 1);
  assert.equal(files[0].path, "hello.py");
  assert.equal(files[0].text, await Deno.readTextFile(HELLO));
});

Deno.test("packSource packs a folder's files relative to it, keeping their modes", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/lib/deep`, { recursive: true });
    await Deno.writeTextFile(`${dir}/main.py`, "import lib\n");
    await Deno.writeTextFile(`${dir}/lib/__init__.py`, "");
    await Deno.writeTextFile(`${dir}/lib/deep/run.sh`, "#!/bin/sh\n", { mode: 0o755 });
    await Deno.chmod(`${dir}/lib/deep/run.sh`, 0o755);
    await Deno.symlink(`${dir}/main.py`, `${dir}/alias.py`);
    const files = await unpack(dir);
    assert.deepEqual(files.map((f) => f.path), [
      "alias.py",
      "lib/__init__.py",
      "lib/deep/run.sh",
      "main.py",
    ]);
    assert.equal(files.find((f) => f.path === "alias.py")?.text, "import lib\n");
    assert.equal(files.find((f) => f.path === "lib/deep/run.sh")?.mode, 0o755);
  });
});

Deno.test("packSource sends a .tar archive as it is", async () => {
  await withTempDir(async (dir) => {
    const tar = writeTar([{ name: "x.py", data: "x = 1\n" }]);
    await Deno.writeFile(`${dir}/code.tar`, tar);
    assert.equal(await packSource(`${dir}/code.tar`), encodeBase64(tar));
  });
});

Deno.test("packSource refuses missing paths, empty folders and links to folders", async () => {
  await assert.rejects(
    packSource("no/such/code.py"),
    new CliError('Cannot read source "no/such/code.py": no such file or directory'),
  );
  await withTempDir(async (dir) => {
    await assert.rejects(packSource(dir), new CliError(`Source folder "${dir}" holds no files`));
    await Deno.mkdir(`${dir}/real`);
    await Deno.writeTextFile(`${dir}/real/a.py`, "");
    await Deno.symlink(`${dir}/real`, `${dir}/link`);
    await assert.rejects(packSource(dir), /Cannot pack ".*link": only files, folders and links/);
  });
});

Deno.test("packSource reads a relative path from the given directory, naming it as given", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/code`);
    await Deno.writeTextFile(`${dir}/code/x.py`, "X = 1\n");
    const files = await readCodeArchive(await packSource("./code/x.py", dir), LIMITS);
    assert.deepEqual(files.map((f) => [f.path, decoder.decode(f.data)]), [["x.py", "X = 1\n"]]);
    const folder = await readCodeArchive(await packSource("code", dir), LIMITS);
    assert.deepEqual(folder.map((f) => f.path), ["x.py"]);
    await assert.rejects(
      packSource("./code/y.py", dir),
      new CliError('Cannot read source "./code/y.py": no such file or directory'),
    );
  });
});
