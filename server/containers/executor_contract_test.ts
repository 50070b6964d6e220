import assert from "node:assert/strict";
import { UnavailableError } from "../errors.ts";
import {
  contractFromHealth,
  imageContract,
  readReply,
  toServerledgeRequest,
} from "./executor_contract.ts";

Deno.test("an image's label names its contract; a socket means this node's", () => {
  assert.equal(imageContract("i", "serverledge", false), "serverledge");
  assert.equal(imageContract("i", "init", false), "init");
  assert.equal(imageContract("i", undefined, true), "init");
  assert.equal(imageContract("i", "", false), "unknown");
  assert.equal(imageContract("i", undefined, false), "unknown");
  assert.throws(
    () => imageContract("i", "grpc", false),
    (error) =>
      error instanceof UnavailableError && /"grpc": make it "serverledge"/.test(error.message),
  );
});

Deno.test("GET /health tells the contract of an executor not known yet", () => {
  assert.equal(contractFromHealth("unknown", 200), "init");
  assert.equal(contractFromHealth("unknown", 204), "init");
  for (const missing of [404, 405, 501]) {
    assert.equal(contractFromHealth("unknown", missing), "serverledge");
    assert.equal(contractFromHealth("init", missing), undefined, "this node's not ready yet");
  }
  assert.equal(contractFromHealth("unknown", 503), undefined, "starting: ask again");
  assert.equal(contractFromHealth("init", 200), "init");
  assert.equal(contractFromHealth("serverledge", 500), "serverledge", "any answer: it is up");
});

Deno.test("an invocation in Serverledge's fields: the code in /app, no context", () => {
  const body = toServerledgeRequest({
    Handler: "greet.handler",
    Params: { n: "17" },
    ReturnOutput: true,
    Context: { RequestId: "r1", FunctionName: "greet" },
  });
  assert.deepEqual(body, {
    Handler: "greet.handler",
    HandlerDir: "/app",
    Params: { n: "17" },
    ReturnOutput: true,
  });
});

Deno.test("an executor's answer maps to this node's report", () => {
  assert.deepEqual(readReply({ Success: true, Result: "3", Duration: 0.5 }), {
    Success: true,
    Result: "3",
    Output: "",
    Error: undefined,
    Duration: 0.5,
  });
  assert.deepEqual(readReply({ Success: false, Result: "Traceback: boom", Output: "x" }), {
    Success: false,
    Result: "Traceback: boom",
    Output: "x",
    Error: "Traceback: boom",
  }, "Serverledge's executors say why in Result");
  assert.equal(readReply({ Success: false, Error: "own", Result: "r" })?.Error, "own");
  assert.equal(readReply({ Success: false })?.Error, undefined);
  assert.equal(readReply({ Success: "yes", Duration: -1 })?.Success, false);
  assert.equal(readReply({ Success: true, Duration: -1 })?.Duration, undefined);
  assert.equal(readReply([]), undefined);
  assert.equal(readReply(null), undefined);
  assert.equal(readReply({ Result: "3" }), undefined);
});
