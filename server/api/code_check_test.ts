// Function code is checked off the main thread: warm invokes keep being answered while the
// code of a create (here a decompression bomb) is being checked.
import assert from "node:assert/strict";
import { encodeBase64 } from "../../protocol/base64.ts";
import { writeTar } from "../../protocol/tar_writer.ts";
import { exampleFunction } from "../testing/functions.ts";
import { postJson } from "../testing/post_json.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A tar holding `hello.py` of `bytes` zeros, gzipped and in base64. */
async function gzipBomb(bytes: number): Promise<string> {
  const header = writeTar([{ name: "hello.py", data: new Uint8Array(0) }]).subarray(0, 512);
  const sized = header.slice();
  sized.set(new TextEncoder().encode(bytes.toString(8).padStart(11, "0") + "\0"), 124);
  sized.fill(0x20, 148, 156);
  const sum = sized.reduce((a, b) => a + b, 0);
  sized.set(new TextEncoder().encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  const zeros = new Uint8Array(1 << 20);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start: (controller) => controller.enqueue(sized),
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(zeros);
      sent += zeros.length;
    },
  }).pipeThrough(new CompressionStream("gzip"));
  return encodeBase64(new Uint8Array(await new Response(stream).arrayBuffer()));
}

Deno.test(
  "warm invokes are answered while the code of a create is being checked",
  opts,
  async () => {
    await using node = await startTestNode({ config: { "code.max.size": 512 << 20 } });
    const hello = await exampleFunction("hello", "hello.py");
    assert.equal((await node.post("/create", hello)).status, 200);
    assert.equal((await node.post("/invoke/hello", {})).body.Success, true, "warm now");

    const { checker } = node.node.services;
    const checking = Promise.withResolvers<void>();
    const checkBody = checker.checkBody.bind(checker);
    checker.checkBody = (body, limits) => {
      const job = checkBody(body, limits);
      checking.resolve();
      return job;
    };
    const order: string[] = [];
    const bomb = { ...hello, Name: "bomb", TarFunctionCode: await gzipBomb(1 << 30) };
    const create = postJson(`${node.url}/create`, bomb).then(async (answer) => {
      order.push(`create ${answer.status}`);
      return await answer.json();
    });
    await checking.promise;
    for (let i = 0; i < 10; i++) {
      const report = await node.post("/invoke/hello", {});
      assert.equal(report.body.Success, true);
      order.push("invoke");
    }
    assert.match((await create).Error, /unpacks to more than/);
    assert.deepEqual(order, [...Array(10).fill("invoke"), "create 413"]);
  },
);
