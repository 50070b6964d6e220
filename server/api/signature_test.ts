// Serverledge's function Signature through a real node (embedded registry, real Docker): kept
// at create and update, listed, refused when malformed, and not enforced at invoke (as in Go).
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode } from "../testing/test_node.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "a Signature is stored, listed, replaced by an update, and a bad one answers 400",
  opts,
  async () => {
    await using node = await startTestNode();
    const listed = async () => {
      const details = (await node.get("/function?details=true")).body as Record<string, unknown>[];
      return details.find((d) => d.Name === "hello")?.Signature;
    };
    const signature = {
      Inputs: [{ Name: "name", Type: "Text" }],
      Outputs: [{ Name: "greeting", Type: "Text" }],
    };
    // A Go client's spelling: Go's encoding/json matches field names in any case.
    const created = await node.post(
      "/create",
      await exampleFunction("hello", "hello.py", {
        signature: { inputs: [{ name: "name", type: "Text" }], OUTPUTS: signature.Outputs },
      }),
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(await listed(), signature);

    const bad = await node.post(
      "/update",
      await exampleFunction("hello", "hello.py", {
        Signature: { Inputs: [{ Name: "name", Type: "String" }] },
      }),
    );
    assert.equal(bad.status, 400);
    assert.match(bad.body.Error as string, /"Signature.Inputs\[0\].Type" must be one of Int,/);
    assert.deepEqual(await listed(), signature, "a refused update changes nothing");

    const counted = { Inputs: [{ Name: "n", Type: "ArrayInt" }], Outputs: [] };
    const updated = await node.post(
      "/update",
      await exampleFunction("hello", "hello.py", { Signature: counted }),
    );
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.deepEqual(await listed(), counted);
    // An update replaces the whole definition, as a Go node's put does: without one, none.
    await node.post("/update", await exampleFunction("hello", "hello.py"));
    assert.equal(await listed(), null);

    const refused = await node.post(
      "/create",
      await exampleFunction("other", "hello.py", { Signature: [{ Name: "x", Type: "Int" }] }),
    );
    assert.equal(refused.status, 400);
    assert.match(refused.body.Error as string, /"Signature" must be a JSON object/);
  },
);

Deno.test(
  "an invoke is not checked against the Signature, as Go Serverledge checks none",
  opts,
  async () => {
    await using node = await startTestNode();
    const Signature = { Inputs: [{ Name: "name", Type: "Int" }], Outputs: [] };
    const created = await node.post(
      "/create",
      await exampleFunction("hello", "hello.py", { Signature }),
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const missing = await node.post("/invoke/hello", { Params: {} });
    assert.equal(missing.status, 200, JSON.stringify(missing.body));
    assert.equal(missing.body.Result, JSON.stringify("Hello, World!"));
    const otherType = await node.post("/invoke/hello", { Params: { name: "Ada" } });
    assert.equal(otherType.status, 200, JSON.stringify(otherType.body));
    assert.equal(otherType.body.Result, JSON.stringify("Hello, Ada!"));
  },
);
