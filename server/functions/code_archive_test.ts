import assert from "node:assert/strict";
import { BadRequestError, PayloadTooLargeError } from "../errors.ts";
import { encodeBase64 } from "../../protocol/base64.ts";
import { readCodeArchive } from "./code_archive.ts";
import { type TarEntry, writeTar } from "../../protocol/tar_writer.ts";

const LIMITS = { maxBytes: 1024 * 1024 };
const packed = (entries: TarEntry[]) => encodeBase64(writeTar(entries));

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("readCodeArchive reads files and skips directories", async () => {
  const files = await readCodeArchive(
    packed([
      { name: "./", type: "5" },
      { name: "./hello.py", data: "print('hi')\n", mode: 0o755 },
      { name: "lib/", type: "5" },
      { name: "lib/util.py", data: "x = 1\n" },
    ]),
    LIMITS,
  );
  assert.deepEqual(files.map((f) => [f.path, f.mode]), [["hello.py", 0o755], [
    "lib/util.py",
    0o644,
  ]]);
  assert.equal(new TextDecoder().decode(files[0].data), "print('hi')\n");
});

Deno.test("readCodeArchive reads an archive written by GNU tar, gzipped or not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/src/pkg`, { recursive: true });
    await Deno.writeTextFile(`${dir}/src/pkg/${"long".repeat(30)}.py`, "y = 2\n");
    await Deno.writeTextFile(`${dir}/src/main.py`, "def handler(p, c):\n  return 1\n");
    for (const flags of ["-cf", "-czf"]) {
      const out = await new Deno.Command("tar", { args: [flags, "-", "-C", `${dir}/src`, "."] })
        .output();
      assert.equal(out.code, 0);
      const files = await readCodeArchive(encodeBase64(out.stdout), LIMITS);
      assert.deepEqual(files.map((f) => f.path).sort(), ["main.py", `pkg/${"long".repeat(30)}.py`]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (
  const [label, entry, message] of [
    ["an absolute path", { name: "/etc/passwd", data: "x" }, /absolute path/],
    ["a parent segment", { name: "a/../../evil.py", data: "x" }, /leaves the code folder/],
    ["a symbolic link", { name: "link", type: "2", linkName: "/etc/shadow" }, /symbolic link/],
    ["a hard link", { name: "hard", type: "1", linkName: "hello.py" }, /hard link/],
    ["a device", { name: "dev", type: "3" }, /device/],
    ["a FIFO", { name: "fifo", type: "6" }, /FIFO/],
    ["a control character", { name: "a\u0007.py", data: "x" }, /forbidden characters/],
  ] as [string, TarEntry, RegExp][]
) {
  Deno.test(`readCodeArchive refuses ${label}`, async () => {
    await assert.rejects(
      readCodeArchive(packed([{ name: "ok.py", data: "x" }, entry]), LIMITS),
      (error) => error instanceof BadRequestError && message.test(error.message),
    );
  });
}

Deno.test("readCodeArchive refuses content over the size limit", async () => {
  await assert.rejects(
    readCodeArchive(packed([{ name: "big.bin", data: new Uint8Array(2048) }]), { maxBytes: 1024 }),
    PayloadTooLargeError,
  );
});

Deno.test("readCodeArchive stops a gzip decompression bomb at the limit", async () => {
  const bomb = await gzip(writeTar([{ name: "zeros", data: new Uint8Array(50 * 1024 * 1024) }]));
  assert.ok(bomb.length < 200 * 1024, "the bomb is small when packed");
  await assert.rejects(
    readCodeArchive(encodeBase64(bomb), { maxBytes: 1024 * 1024 }),
    (error) => error instanceof PayloadTooLargeError && /unpacks to more than/.test(error.message),
  );
});

Deno.test("a gzip bomb is unpacked only a little past the limit, never whole", async () => {
  const size = 512 * 1024 * 1024;
  const zeros = new Uint8Array(1024 * 1024);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (sent >= size) return controller.close();
      controller.enqueue(zeros);
      sent += zeros.length;
    },
  }).pipeThrough(new CompressionStream("gzip"));
  const bomb = new Uint8Array(await new Response(stream).arrayBuffer());
  const before = Deno.memoryUsage().rss;
  await assert.rejects(
    readCodeArchive(encodeBase64(bomb), { maxBytes: 1024 * 1024 }),
    PayloadTooLargeError,
  );
  const grown = Deno.memoryUsage().rss - before;
  assert.ok(grown < 128 * 1024 * 1024, `unpacking grew the process by ${grown >> 20} MiB`);
});

Deno.test("readCodeArchive refuses too many entries", async () => {
  const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: "" }));
  await assert.rejects(
    readCodeArchive(packed(entries), { maxBytes: 1024, maxEntries: 10 }),
    PayloadTooLargeError,
  );
});

Deno.test("readCodeArchive refuses bad base64, garbage, truncation and emptiness", async () => {
  await assert.rejects(readCodeArchive("not base64!!", LIMITS), /not valid base64/);
  await assert.rejects(
    readCodeArchive(encodeBase64(new Uint8Array(600).fill(65)), LIMITS),
    /bad header checksum|bad number/,
  );
  const tar = writeTar([{ name: "a.py", data: "x".repeat(2000) }]);
  await assert.rejects(readCodeArchive(encodeBase64(tar.subarray(0, 1024)), LIMITS), /truncated/);
  await assert.rejects(readCodeArchive(encodeBase64(writeTar([])), LIMITS), /holds no files/);
  await assert.rejects(
    readCodeArchive(encodeBase64(new Uint8Array([0x1f, 0x8b, 1, 2, 3])), LIMITS),
    /not a valid gzip stream/,
  );
});
