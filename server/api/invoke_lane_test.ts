// The invoke fast lane against a real node (Docker, Python): it serves a plain invocation with
// the app's answer, and leaves to the app every request it does not take or that a check
// refuses, which the app then answers as ever.
import assert from "node:assert/strict";
import { newToken } from "../../protocol/auth.ts";
import { parseRequestHead } from "../http/head.ts";
import type { EncodedJson } from "../http/response.ts";
import { exampleFunction } from "../testing/functions.ts";
import { rawRequest } from "../testing/raw_http.ts";
import { startTestNode } from "../testing/test_node.ts";
import { writeTokensFile } from "../testing/tokens.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const encoder = new TextEncoder();
const remoteAddr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };

/**
 * The head lines of a `POST` of `body` to `target` with `Host: host`, the `extra` lines and,
 * unless they give one, a JSON Content-Type.
 */
function headLines(target: string, body: string, host: string, extra: readonly string[]) {
  const typed = extra.some((line) => /^content-type:/i.test(line));
  return [
    `POST ${target} HTTP/1.1`,
    `Host: ${host}`,
    ...(typed ? [] : ["Content-Type: application/json"]),
    `Content-Length: ${encoder.encode(body).length}`,
    ...extra,
  ];
}

/** That request as the front parses it. */
function parsed(target: string, body: string, host: string, extra: readonly string[] = []) {
  const head = parseRequestHead(headLines(target, body, host, extra).join("\r\n"));
  return { head, body: encoder.encode(body) };
}

/** That request written by hand to the node at `url`, and its answer's status. */
async function statusOf(url: string, target: string, body: string, extra: readonly string[]) {
  const lines = [...headLines(target, body, new URL(url).host, extra), "Connection: close"];
  return (await rawRequest(url, `${lines.join("\r\n")}\r\n\r\n${body}`)).status;
}

/** The JSON value of an answer the lane wrote as encoded JSON (an invocation it ran). */
function valueOf(answer: Response | EncodedJson) {
  assert.ok(!(answer instanceof Response), "an invocation's answer goes out as encoded JSON");
  return JSON.parse(new TextDecoder().decode(answer.bytes));
}

Deno.test("the lane serves a plain invocation as the app answers it", opts, async () => {
  await using node = await startTestNode();
  const host = new URL(node.url).host;
  assert.equal(
    (await node.post("/create", await exampleFunction("hello", "hello.py"))).status,
    200,
  );

  const body = JSON.stringify({ Params: { name: "Ann" } });
  const answer = await node.node.fastLane(parsed("/invoke/hello", body, host), { remoteAddr });
  assert.ok(answer, "the lane took it");
  assert.equal(answer.status, 200);
  const report = valueOf(answer);
  assert.equal(report.Success, true);
  assert.equal(report.Result, '"Hello, Ann!"');

  const viaApp = await node.post("/invoke/hello", { Params: { name: "Ann" } });
  assert.deepEqual(Object.keys(viaApp.body).sort(), Object.keys(report).sort());

  const queued = await node.node.fastLane(
    parsed("/invoke/hello", JSON.stringify({ Params: {}, Async: true }), host),
    { remoteAddr },
  );
  assert.equal(queued?.status, 200);
  assert.match(valueOf(queued!).ReqId, /^hello-/);
});

Deno.test("the lane leaves to the app what it does not take; the app answers", opts, async () => {
  await using node = await startTestNode();
  const host = new URL(node.url).host;
  assert.equal(
    (await node.post("/create", await exampleFunction("hello", "hello.py"))).status,
    200,
  );
  const ok = JSON.stringify({ Params: {} });
  const left: [string, string, string, string[], number][] = [
    ["a query", "/invoke/hello?x=1", ok, [], 200],
    ["an escaped name", "/invoke/hell%6F", ok, [], 200],
    ["an Origin", "/invoke/hello", ok, ["Origin: http://page.example"], 403],
    ["a Content-Type other than JSON", "/invoke/hello", ok, ["Content-Type: text/plain"], 415],
    ["a name that is no function name", "/invoke/no!", ok, [], 400],
    ["an unknown function", "/invoke/nope", ok, [], 404],
    ["a body that is not JSON", "/invoke/hello", "{", [], 400],
    ["a field of the wrong type", "/invoke/hello", '{"Params": 3}', [], 400],
    ["another route", "/create", ok, [], 400],
  ];
  for (const [what, target, body, extra, status] of left) {
    const request = parsed(target, body, host, extra);
    assert.equal(await node.node.fastLane(request, { remoteAddr }), undefined, what);
    assert.equal(await statusOf(node.url, target, body, extra), status, what);
  }
  const foreign = parsed("/invoke/hello", ok, "rebind.example:80");
  assert.equal(await node.node.fastLane(foreign, { remoteAddr }), undefined, "a foreign Host");
});

Deno.test(
  "the lane takes only invocations a token allows; the app refuses the rest",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "lane-tokens-" });
    const [admin, invoker, other] = [newToken(), newToken(), newToken()];
    await writeTokensFile(`${dir}/tokens`, [
      [admin, "admin"],
      [invoker, "invoke", "hello"],
      [other, "invoke", "teamB-*"],
    ]);
    await using node = await startTestNode({ config: { "auth.tokens.file": `${dir}/tokens` } });
    const host = new URL(node.url).host;
    try {
      const created = await node.post("/create", await exampleFunction("hello", "hello.py"), {
        authorization: `Bearer ${admin}`,
      });
      assert.equal(created.status, 200);
      const ok = JSON.stringify({ Params: {} });
      const as = (token: string) => [`Authorization: Bearer ${token}`];
      const served = await node.node.fastLane(parsed("/invoke/hello", ok, host, as(invoker)), {
        remoteAddr,
      });
      assert.equal(served?.status, 200);
      for (
        const [what, extra, status] of [
          ["no token", [], 401],
          ["an unknown token", as(newToken()), 401],
          ["another team's token", as(other), 403],
          ["a client posing as a node", [...as(admin), "serverledge-offloaded-from: edge-1"], 403],
          [
            "a node's header in any case",
            [...as(admin), "SERVERLEDGE-OFFLOADED-FROM: edge-1"],
            403,
          ],
        ] as const
      ) {
        const request = parsed("/invoke/hello", ok, host, extra);
        assert.equal(await node.node.fastLane(request, { remoteAddr }), undefined, what);
        assert.equal(await statusOf(node.url, "/invoke/hello", ok, extra), status, what);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
