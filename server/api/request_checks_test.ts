// What every request must pass before a route, against a real node: a JSON Content-Type on
// POST, a Host naming the node (DNS rebinding), no foreign web Origin unless allowed (CORS);
// and the node's HTTP front cutting off slow clients while it keeps serving.
import assert from "node:assert/strict";
import { exampleFunction } from "../testing/functions.ts";
import { postJson } from "../testing/post_json.ts";
import { rawRequest } from "../testing/raw_http.ts";
import { startTestNode } from "../testing/test_node.ts";
import { sleep } from "../timing/sleep.ts";
import { nodeHostNames } from "./host_check.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("a POST without a JSON Content-Type answers 415 and changes nothing", opts, async () => {
  await using node = await startTestNode();
  const hello = await exampleFunction("hello", "hello.py");
  const refused: [Record<string, string>, BodyInit, RegExp][] = [
    [{ "content-type": "text/plain" }, JSON.stringify(hello), /"text\/plain" is not JSON/],
    [{}, new TextEncoder().encode(JSON.stringify(hello)), /no Content-Type/],
    [
      { "content-type": "application/x-www-form-urlencoded" },
      JSON.stringify(hello),
      /x-www-form-urlencoded" is not JSON/,
    ],
  ];
  for (const [headers, body, message] of refused) {
    const answer = await fetch(`${node.url}/create`, { method: "POST", headers, body });
    assert.equal(answer.status, 415);
    const { Error } = await answer.json();
    assert.match(Error, message);
    assert.match(Error, /send .*"Content-Type: application\/json"/);
  }
  assert.deepEqual((await node.get("/function")).body, [], "nothing was created");
  const created = await postJson(`${node.url}/create`, hello, {
    "content-type": "application/json; charset=utf-8",
  });
  assert.equal(created.status, 200, await created.text());
  assert.deepEqual((await node.get("/function")).body, ["hello"]);
});

Deno.test(
  "a request naming a foreign Host answers 421; the node's own names pass",
  opts,
  async () => {
    await using node = await startTestNode({ config: { "api.hosts": ["node1.example"] } });
    const { port } = new URL(node.url);
    const get = (host: string) =>
      rawRequest(node.url, `GET /function HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    const rebound = await get(`rebind.example:${port}`);
    assert.equal(rebound.status, 421);
    assert.equal(
      JSON.parse(rebound.body).Error,
      'Host "rebind.example" is not a name of this node: use one of its addresses, or add the ' +
        "name to api.hosts",
    );
    const body = JSON.stringify(await exampleFunction("hello", "hello.py"));
    const create = await rawRequest(
      node.url,
      `POST /create HTTP/1.1\r\nHost: rebind.example\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    assert.equal(create.status, 421);
    assert.deepEqual((await node.get("/function")).body, [], "nothing was created");
    for (
      const host of [
        "127.0.0.1",
        "localhost",
        "LOCALHOST",
        "[::1]",
        "node1.example",
        Deno.hostname(),
      ]
    ) {
      assert.equal((await get(`${host}:${port}`)).status, 200, host);
    }
  },
);

Deno.test("nodeHostNames: loopback, api.ip, host name, URL host, interfaces, api.hosts", () => {
  const facts = {
    apiIp: "10.0.0.5",
    url: "http://edge1.lan:1323",
    hostname: "Edge1",
    interfaceAddresses: ["192.168.1.7", "fd00::7"],
    extra: ["node1.example", "FD00:0:0::9"],
  };
  const names = nodeHostNames(facts);
  assert.ok(names !== "any");
  assert.deepEqual([...names].sort(), [
    "10.0.0.5",
    "127.0.0.1",
    "[::1]",
    "[fd00::9]",
    "edge1",
    "edge1.lan",
    "localhost",
    "node1.example",
  ]);
  const wildcard = nodeHostNames({ ...facts, apiIp: "0.0.0.0" });
  assert.ok(wildcard !== "any" && wildcard.has("192.168.1.7") && wildcard.has("[fd00::7]"));
  assert.ok(!wildcard.has("0.0.0.0"));
  assert.equal(nodeHostNames({ ...facts, extra: ["*"] }), "any");
});

Deno.test("browser requests from a foreign origin are refused unless allowed", opts, async () => {
  await using node = await startTestNode({ config: { "api.cors.origins": "https://app.example" } });
  const evil = "http://evil.example";
  const invoke = await postJson(`${node.url}/invoke/nope`, {}, { origin: evil });
  assert.equal(invoke.status, 403);
  assert.equal(
    (await invoke.json()).Error,
    'Origin "http://evil.example" may not call this node from a browser: add it to ' +
      "api.cors.origins to allow its pages",
  );
  assert.equal(invoke.headers.get("access-control-allow-origin"), null);
  const preflight = (origin: string) =>
    fetch(`${node.url}/create`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
  const refused = await preflight(evil);
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  const opaque = await postJson(`${node.url}/invoke/nope`, {}, { origin: "null" });
  assert.equal(opaque.status, 403);
  await opaque.body?.cancel();

  // The node's own pages (the dashboard) are same-origin: they pass, also served through a TLS
  // proxy (an https origin naming the node's host).
  const { host } = new URL(node.url);
  for (const origin of [node.url, `https://${host}`]) {
    const own = await postJson(`${node.url}/invoke/nope`, {}, { origin });
    assert.equal(own.status, 404, `${origin} reached the route`);
    await own.body?.cancel();
  }
  const otherPort = await postJson(`${node.url}/invoke/nope`, {}, { origin: "http://127.0.0.1:1" });
  assert.equal(otherPort.status, 403, "another port of the same host is another origin");
  await otherPort.body?.cancel();

  const allowed = await preflight("https://app.example");
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example");
  assert.match(allowed.headers.get("access-control-allow-methods")!, /POST/);
  assert.match(allowed.headers.get("access-control-allow-headers")!, /Authorization/);
  assert.match(allowed.headers.get("access-control-allow-headers")!, /Content-Type/);
  const list = await fetch(`${node.url}/function`, { headers: { origin: "https://app.example" } });
  assert.equal(list.status, 200);
  assert.equal(list.headers.get("access-control-allow-origin"), "https://app.example");
  assert.match(list.headers.get("vary")!, /Origin/);
  await list.body?.cancel();
  const failed = await postJson(`${node.url}/invoke/nope`, {}, { origin: "https://app.example" });
  assert.equal(failed.status, 404);
  assert.equal(failed.headers.get("access-control-allow-origin"), "https://app.example");
  await failed.body?.cancel();
});

Deno.test("a node cuts off slow heads and stalled bodies and keeps serving", opts, async () => {
  await using node = await startTestNode({
    config: { "api.timeout.header": 1, "api.timeout.idle": 1 },
  });
  const { hostname, port } = new URL(node.url);
  const open = async (text: string) => {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    await conn.write(new TextEncoder().encode(text));
    return conn;
  };
  const heads = await Promise.all(
    Array.from({ length: 50 }, () => open(`GET /status HTTP/1.1\r\nHost: ${hostname}\r\nX-A: `)),
  );
  const bodies = await Promise.all(Array.from({ length: 5 }, () =>
    open(
      `POST /invoke/x HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 1000\r\n\r\n{"Params":`,
    )));
  assert.equal((await node.get("/status")).status, 200, "the node serves meanwhile");
  const closed = async (conn: Deno.TcpConn) => {
    const buffer = new Uint8Array(4096);
    let text = "";
    const timer = sleep(15_000).then(() => "still open");
    const read = (async () => {
      for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
        text += new TextDecoder().decode(buffer.subarray(0, n));
      }
      return text;
    })().catch(() => text);
    const outcome = await Promise.race([read, timer]);
    conn.close();
    return outcome;
  };
  const headOutcomes = await Promise.all(heads.map(closed));
  assert.ok(headOutcomes.every((o) => o.startsWith("HTTP/1.1 408")), headOutcomes[0]);
  const bodyOutcomes = await Promise.all(bodies.map(closed));
  assert.ok(bodyOutcomes.every((o) => o.startsWith("HTTP/1.1 408")), bodyOutcomes[0]);
  assert.match(bodyOutcomes[0], /stalled for 1 s/);
  assert.equal((await node.get("/status")).status, 200, "the node still serves");
});
