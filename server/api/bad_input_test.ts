// Bad input gets a clear 4xx and never reaches Docker or the registry; the node stays up.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { type TarEntry, writeTar } from "../../protocol/tar_writer.ts";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("bad requests get a 4xx with a message and change nothing", opts, async () => {
  await using node = await startTestNode({
    config: { "api.body.limit": 256 * 1024, "code.max.size": 1024 * 1024 },
  });
  const good = await exampleFunction("good", "hello.py");
  const tar = (entries: TarEntry[]) => encodeBase64(writeTar(entries));
  const hello = { name: "hello.py", data: "def handler(p, c):\n  return 1\n" };
  const bomb = encodeBase64(
    await gzip(writeTar([{ name: "hello.py", data: new Uint8Array(64 * 1024 * 1024) }])),
  );
  const cases: [string, string, unknown, number, RegExp][] = [
    ["malformed JSON", "/create", "{not json", 400, /not valid JSON/],
    ["a JSON array", "/create", [1], 400, /must be a JSON object/],
    ["a missing name", "/create", { ...good, Name: undefined }, 400, /name undefined is invalid/],
    ["an odd name", "/create", { ...good, Name: "a b;rm -rf" }, 400, /is invalid/],
    ["a path name", "/create", { ...good, Name: "../x" }, 400, /is invalid/],
    ["a wrong type", "/create", { ...good, MemoryMB: "lots" }, 400, /"MemoryMB" must be/],
    ["an unknown runtime", "/create", { ...good, Runtime: "cobol" }, 404, /"cobol" is unknown/],
    ["not base64", "/create", { ...good, TarFunctionCode: "%%%" }, 400, /not valid base64/],
    [
      "an absolute path",
      "/create",
      {
        ...good,
        TarFunctionCode: tar([hello, { name: "/etc/cron.d/x", data: "x" }]),
      },
      400,
      /absolute path/,
    ],
    [
      "a .. path",
      "/create",
      {
        ...good,
        TarFunctionCode: tar([hello, { name: "../../x", data: "x" }]),
      },
      400,
      /leaves the code folder/,
    ],
    [
      "a symlink",
      "/create",
      {
        ...good,
        TarFunctionCode: tar([hello, { name: "l", type: "2", linkName: "/etc/shadow" }]),
      },
      400,
      /symbolic link/,
    ],
    [
      "a hard link",
      "/create",
      {
        ...good,
        TarFunctionCode: tar([hello, { name: "h", type: "1", linkName: "/etc/shadow" }]),
      },
      400,
      /hard link/,
    ],
    ["a decompression bomb", "/create", { ...good, TarFunctionCode: bomb }, 413, /unpacks to more/],
    [
      "oversize code",
      "/create",
      {
        ...good,
        TarFunctionCode: tar([hello, { name: "big", data: new Uint8Array(1100 * 1024) }]),
      },
      413,
      /./,
    ],
    ["an oversize body", "/create", { ...good, Pad: "x".repeat(300 * 1024) }, 413, /larger than/],
    ["delete without a name", "/delete", {}, 400, /is invalid/],
    [
      "prewarm of a string count",
      "/prewarm",
      { Function: "good", Instances: "2" },
      400,
      /Instances/,
    ],
    ["prewarm of a missing function", "/prewarm", { Function: "nope", Instances: 1 }, 404, /nope/],
    ["invoke of a missing function", "/invoke/nope", {}, 404, /"nope" does not exist/],
    ["invoke with malformed JSON", "/invoke/good", "{", 400, /not valid JSON/],
    ["invoke with array params", "/invoke/good", { Params: [1] }, 400, /"Params" must be/],
    [
      "invoke with JSON nested 100,000 deep",
      "/invoke/good",
      `{"Params": {"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}`,
      400,
      /nests arrays and objects more than 256 levels deep/,
    ],
    ["invoke with a string Async", "/invoke/good", { Async: "yes" }, 400, /"Async" must be/],
    ["invoke of an odd name", "/invoke/a%20b", {}, 400, /is invalid/],
  ];
  for (const [label, path, body, status, message] of cases) {
    const answer = await node.post(path, body);
    assert.equal(answer.status, status, `${label}: ${JSON.stringify(answer.body)}`);
    assert.match(String(answer.body.Error), message, label);
  }
  assert.deepEqual((await node.get("/function")).body, []);
  assert.equal((await node.get("/nowhere")).status, 404);

  const created = await node.post("/create", good);
  assert.equal(created.status, 200);
  assert.equal((await node.post("/create", good)).status, 409);
  const invoked = await node.post("/invoke/good", {});
  assert.equal(invoked.body.Success, true, "the node still serves");
});
