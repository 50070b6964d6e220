// Definitions and async results shared with Go Serverledge nodes, through a real node on a real
// etcd: what a Go node writes is put with etcd3 in its exact formats, and what this node writes is
// decoded by the rules of Go's source (server/testing/go_formats.ts).
import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { startEtcd } from "../testing/etcd.ts";
import { exampleCode, exampleFunction } from "../testing/functions.ts";
import {
  decodeGoFunction,
  decodeGoResponse,
  goFunctionJson,
  goResponseJson,
  type GoSignature,
} from "../testing/go_formats.ts";
import { eventually } from "../testing/until.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/**
 * Runs `check` with an etcd client playing a Go node (`go`) and a node on the same etcd, which
 * starts after `before` ran (so it reads at start what `before` wrote).
 */
async function withGoNode(
  check: (go: Etcd3, node: TestNode) => Promise<void>,
  options: { config?: Record<string, unknown>; before?: (go: Etcd3) => Promise<void> } = {},
): Promise<void> {
  await using etcd = await startEtcd();
  const go = new Etcd3({ hosts: etcd.url });
  try {
    await options.before?.(go);
    await using node = await startTestNode({
      config: { "etcd.address": etcd.address, ...options.config },
    });
    await check(go, node);
  } finally {
    go.close();
  }
}

/** A Python example as a Go node stores it (`SaveToEtcd`: a plain put, no lease). */
async function goPython(
  name: string,
  file: string,
  signature: GoSignature | null,
  memoryMB = 128,
) {
  return goFunctionJson({
    Name: name,
    Runtime: "python310",
    MemoryMB: memoryMB,
    CPUDemand: 0,
    Handler: `${file.slice(0, -3)}.handler`,
    TarFunctionCode: await exampleCode(file),
    CustomImage: "",
    Signature: signature,
  });
}

Deno.test(
  "a definition a Go node writes is watched, listed, invoked, replaced and removed",
  opts,
  () =>
    withGoNode(async (go, node) => {
      const names = async () => (await node.get("/function")).body as string[];
      assert.deepEqual(await names(), ["before"], "read at start");
      const before = await node.post("/invoke/before", { Params: { name: "start" } });
      assert.equal(before.body.Result, JSON.stringify("Hello, start!"));

      // Upstream's Go writes a Signature: it is kept and listed as the Go node wrote it.
      const signature = { Inputs: [{ Name: "name", Type: "Text" }], Outputs: [] };
      await go.put("/function/gohello").value(await goPython("gohello", "hello.py", signature));
      await eventually(async () => (await names()).includes("gohello"));
      const details = (await node.get("/function?details=true")).body as Record<string, unknown>[];
      const listed = details.find((d) => d.Name === "gohello")!;
      assert.equal(listed.Runtime, "python310", "as the Go node wrote it");
      assert.equal(listed.Timeout, 7, "the node's container.timeout, which Go does not write");
      assert.equal(listed.MaxConcurrency, 1);
      assert.equal(details.find((d) => d.Name === "before")!.MemoryMB, 128, "the create default");
      assert.match(listed.Version as string, /^sha256-[0-9a-f]{32}$/, "derived from the content");
      assert.deepEqual(listed.Signature, signature);
      assert.equal(details.find((d) => d.Name === "before")!.Signature, null, "Go wrote none");

      const cold = await node.post("/invoke/gohello", { Params: { name: "Go" } });
      assert.equal(cold.status, 200, JSON.stringify(cold.body));
      assert.equal(cold.body.Result, JSON.stringify("Hello, Go!"));
      assert.equal(cold.body.IsWarmStart, false);
      const warm = await node.post("/invoke/gohello", { Params: { name: "again" } });
      assert.equal(warm.body.Result, JSON.stringify("Hello, again!"));
      assert.equal(warm.body.IsWarmStart, true);

      // A Go node replaces a definition with a plain put (no Version): the new code is served.
      await go.put("/function/gohello").value(await goPython("gohello", "double.py", null));
      await eventually(async () => {
        const answer = await node.post("/invoke/gohello", { Params: { a: 2, b: 3 } });
        return answer.status === 200 && JSON.parse(answer.body.Result as string).product === 6;
      });
      const replaced = (await node.get("/function?details=true")).body as Record<string, unknown>[];
      assert.equal(replaced.find((d) => d.Name === "gohello")!.Signature, null, "replaced too");

      await go.delete().key("/function/gohello");
      await eventually(async () => (await node.post("/invoke/gohello", {})).status === 404);
    }, {
      config: { "container.timeout": 7 },
      // MemoryMB 0: Go's zero value, written when the creator gave none.
      before: async (go) => {
        await go.put("/function/before").value(await goPython("before", "hello.py", null, 0));
      },
    }),
);

Deno.test(
  "a definition created here is stored as a Go node decodes and runs it",
  opts,
  () =>
    withGoNode(async (go, node) => {
      const body = await exampleFunction("hello", "hello.py"); // Runtime "python310"
      const created = await node.post("/create", body);
      const Signature = { Inputs: [{ Name: "name", Type: "Text" }], Outputs: [] };
      const typed = await exampleFunction("typed", "hello.py", { Signature });
      assert.equal((await node.post("/create", typed)).status, 200);
      assert.deepEqual(
        created.body,
        { Created: "hello", Runtime: "python311" },
        "the one running it",
      );

      const decoded = decodeGoFunction((await go.get("/function/hello").string())!);
      assert.deepEqual(decoded, { ...body, CPUDemand: 0, CustomImage: "", Signature: null });
      const typedAtGo = decodeGoFunction((await go.get("/function/typed").string())!);
      assert.deepEqual(typedAtGo.Signature, Signature, "a Go node reads the Signature given here");

      const details = (await node.get("/function?details=true")).body as Record<string, unknown>[];
      assert.equal(details[0].Runtime, "python310", "listed as given");
      assert.deepEqual(details[1].Signature, Signature);
      const run = await node.post("/invoke/hello", { Params: { name: "alias" } });
      assert.equal(run.body.Result, JSON.stringify("Hello, alias!"), "the alias runs python311");
    }),
);

Deno.test(
  "async results: Go's are polled here, ours are at Go's key in Go's format",
  opts,
  () =>
    withGoNode(async (go, node) => {
      const created = await node.post("/create", await exampleFunction("hello", "hello.py"));
      assert.equal(created.status, 200);

      // A result a Go node published (PublishAsyncResponse: async/<reqId>, lease of 1800 s).
      const published = goResponseJson({ Success: true, Result: '"from Go"', Duration: 0.02 });
      await go.lease(1800).put("async/hello-3f9ab123456789").value(published);
      const polled = await node.get("/poll/hello-3f9ab123456789");
      assert.equal(polled.status, 200);
      assert.deepEqual(polled.body, JSON.parse(published));
      assert.equal((await node.get("/poll/hello-3f9ab987654321")).status, 404, "none published");

      // An async request run here, as a client sends it and as a Go edge offloads one
      // (OffloadAsync: its InvocationRequest, CanDoOffloading false): both end at Go's key.
      const fromEdge = { QoSClass: 0, QoSMaxRespT: 0, CanDoOffloading: false };
      for (const [name, extra] of [["client", {}], ["edge", fromEdge]] as const) {
        const answer = await node.post("/invoke/hello", {
          Params: { name },
          Async: true,
          ...extra,
        });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const reqId = answer.body.ReqId as string;
        await eventually(async () => (await node.get(`/poll/${reqId}`)).status === 200);
        const atGo = (await go.get(`async/${reqId}`).string())!;
        assert.equal(decodeGoResponse(atGo).Success, true);
        assert.equal(decodeGoResponse(atGo).Result, JSON.stringify(`Hello, ${name}!`));
        assert.deepEqual(
          (await node.get(`/poll/${reqId}`)).body,
          JSON.parse(atGo),
          "a Go node's poll answers what this node's does",
        );
      }
    }),
);
