// Tokens, roles and patterns against a real node (real Docker, embedded registry) with a
// tokens file: every role on every route, 401 and 403 with their messages, another team's async
// request, the tokens file re-read, and clients posing as nodes.
import assert from "node:assert/strict";
import { newToken, type Role } from "../../protocol/auth.ts";
import { exampleFunction } from "../testing/functions.ts";
import { startTestNode, type TestNode } from "../testing/test_node.ts";
import { tokenLines } from "../testing/tokens.ts";
import { workflowBody } from "../testing/workflows.ts";
import { sleep } from "../timing/sleep.ts";
import { ROUTE_ACCESS } from "./access.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SECRET = "a-cluster-secret-for-tests";

/** The tokens of the test, by name, with their role and pattern. */
const TOKENS: Record<string, [Role, string?]> = {
  admin: ["admin"],
  deploy: ["deploy"],
  deployA: ["deploy", "teamA-*"],
  invoke: ["invoke"],
  invokeA: ["invoke", "teamA-*"],
  invokeB: ["invoke", "teamB-*"],
  read: ["read"],
};
type TokenName = keyof typeof TOKENS | "none" | "bogus";

interface Setup extends AsyncDisposable {
  node: TestNode;
  tokens: Record<string, string>;
  file: string;
  /** Headers of a request with `token`. */
  as(token: TokenName): Record<string, string>;
  /** Writes the tokens file with the lines of `names`. */
  writeTokens(names: string[]): Promise<void>;
}

async function nodeWithTokens(config: Record<string, unknown> = {}): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "serverledge-access-" });
  const file = `${dir}/tokens`;
  const tokens: Record<string, string> = { bogus: newToken() };
  for (const name of Object.keys(TOKENS)) tokens[name] = newToken();
  const writeTokens = async (names: string[]) => {
    const lines = await tokenLines(names.map((name) => [tokens[name], ...TOKENS[name]]));
    await Deno.writeTextFile(file, `# test tokens\n${lines.join("\n")}\n`);
  };
  await writeTokens(Object.keys(TOKENS));
  const node = await startTestNode({ config: { "auth.tokens.file": file, ...config } });
  return {
    node,
    tokens,
    file,
    writeTokens,
    as: (name): Record<string, string> =>
      name === "none" ? {} : { authorization: `Bearer ${tokens[name]}` },
    async [Symbol.asyncDispose]() {
      await node[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Status and body of a request, whatever its answer's type. */
async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, body: undefined, headers: response.headers };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function invocations(setup: Setup): Promise<Record<string, number>> {
  const answer = await setup.node.get("/status", setup.as("read"));
  return (answer.body as { Invocations: Record<string, number> }).Invocations;
}

Deno.test(
  "every role on every route: allowed, 401 without a valid token, 403 otherwise",
  opts,
  async () => {
    await using setup = await nodeWithTokens();
    const { node } = setup;
    const code = await exampleFunction("teamA-hello", "hello.py");
    const body = (name: string) => ({ ...code, Name: name });
    for (const name of ["teamA-hello", "teamB-hello"]) {
      assert.equal((await node.post("/create", body(name), setup.as("admin"))).status, 200);
    }
    const ghost = (fn: string) => `${fn}-${crypto.randomUUID()}`;
    const all: TokenName[] = ["none", "bogus", ...Object.keys(TOKENS)];
    // Each request, the role its route needs, and the tokens allowed to (the others are refused).
    // An allowed request may still fail for its own reason (404 for a missing function, 409 for a
    // name taken).
    const deployA: TokenName[] = ["admin", "deploy", "deployA"];
    const deployAll: TokenName[] = ["admin", "deploy"];
    const cases: [string, string, unknown, Role | "public", TokenName[]][] = [
      ["POST", "/create", body("teamA-new"), "deploy", deployA],
      ["POST", "/create", body("teamB-new"), "deploy", deployAll],
      ["POST", "/update", body("teamA-hello"), "deploy", deployA],
      ["POST", "/update", body("teamB-hello"), "deploy", deployAll],
      ["POST", "/delete", { Name: "teamA-ghost" }, "deploy", deployA],
      ["POST", "/delete", { Name: "teamB-ghost" }, "deploy", deployAll],
      ["POST", "/prewarm", { Function: "teamA-hello", Instances: 0 }, "deploy", deployA],
      ["POST", "/prewarm", { Function: "teamB-hello", Instances: 0 }, "deploy", deployAll],
      ["POST", "/invoke/teamA-ghost", {}, "invoke", ["admin", "invoke", "invokeA"]],
      ["POST", "/invoke/teamB-ghost", {}, "invoke", ["admin", "invoke", "invokeB"]],
      ["GET", `/poll/${ghost("teamA-ghost")}`, undefined, "invoke", ["admin", "invoke", "invokeA"]],
      ["GET", `/poll/${ghost("teamB-ghost")}`, undefined, "invoke", ["admin", "invoke", "invokeB"]],
      ["GET", "/function", undefined, "read", ["admin", "read"]],
      ["GET", "/function?details=true", undefined, "read", ["admin", "read"]],
      ["GET", "/status", undefined, "read", ["admin", "read"]],
      ["GET", "/load", undefined, "read", ["admin", "read"]],
      ["GET", "/events", undefined, "read", ["admin", "read"]],
      ["GET", "/metrics", undefined, "read", ["admin", "read"]],
      ["GET", "/runtimes", undefined, "read", ["admin", "read"]],
      ["GET", "/no-such-route", undefined, "admin", ["admin"]],
      ["GET", "/", undefined, "public", all],
      ["GET", "/dashboard/app.js", undefined, "public", all],
      ["GET", "/dashboard/app.css", undefined, "public", all],
    ];
    for (const [method, path, payload, need, allowed] of cases) {
      for (const token of all) {
        const what = `${token} ${method} ${path}`;
        const answer = await send(node.url + path, method, setup.as(token), payload);
        if (allowed.includes(token)) {
          assert.ok(![401, 403].includes(answer.status), `${what}: ${JSON.stringify(answer.body)}`);
          continue;
        }
        const error = (answer.body as { Error: string }).Error;
        if (token === "none" || token === "bogus") {
          assert.equal(answer.status, 401, what);
          assert.equal(answer.headers.get("www-authenticate"), 'Bearer realm="serverledge"');
          assert.match(
            error,
            token === "none"
              ? /^This node requires a token: send Authorization: Bearer <token>; create one with serverledge-cli token$/
              : /^The token is not valid on this node: send Authorization: Bearer <token>/,
            what,
          );
          continue;
        }
        assert.equal(answer.status, 403, `${what}: ${error}`);
        const [role, pattern] = TOKENS[token];
        assert.match(
          error,
          role === need
            ? new RegExp(
              `^The token may only [a-z ]+ functions matching "${pattern?.replace("*", "\\*")}"$`,
            )
            : new RegExp(`^The token's role "${role}" may not [a-z]+`),
          what,
        );
      }
    }
    // What was refused did not happen: teamB's functions are there, teamA-new was created once.
    const names = (await node.get("/function", setup.as("read"))).body;
    assert.deepEqual(names, ["teamA-hello", "teamA-new", "teamB-hello", "teamB-new"]);
  },
);

Deno.test("the messages of 403 say what the token may not do", opts, async () => {
  await using setup = await nodeWithTokens();
  const { node } = setup;
  const created = await node.post(
    "/create",
    await exampleFunction("teamB-fn", "hello.py"),
    setup.as("invoke"),
  );
  assert.equal(created.status, 403);
  assert.equal(created.body.Error, 'The token\'s role "invoke" may not create functions');
  const invoked = await node.post("/invoke/teamB-fn", {}, setup.as("invokeA"));
  assert.equal(invoked.status, 403);
  assert.equal(invoked.body.Error, 'The token may only invoke functions matching "teamA-*"');
  // The name is checked as the route reads it: percent-encoding does not get around a pattern.
  const encoded = await node.post("/invoke/team%42-fn", {}, setup.as("invokeA"));
  assert.equal(encoded.status, 403);
  assert.equal(encoded.body.Error, 'The token may only invoke functions matching "teamA-*"');
  const deleted = await node.post("/delete", { Name: "teamB-fn" }, setup.as("deployA"));
  assert.equal(deleted.body.Error, 'The token may only delete functions matching "teamA-*"');
  const status = await node.get("/status", setup.as("deploy"));
  assert.equal(status.status, 403);
  assert.deepEqual(status.body, {
    Error: "The token's role \"deploy\" may not read the node's status",
  });
  // A body that names no function is a 400 for a limited token too, not a 403.
  const bad = await node.post("/delete", { Name: 42 }, setup.as("deployA"));
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.Error), /Function name 42 is invalid/);
});

Deno.test(
  "a team's token runs its functions; another team cannot poll their requests",
  opts,
  async () => {
    await using setup = await nodeWithTokens();
    const { node } = setup;
    const created = await node.post(
      "/create",
      await exampleFunction("teamA-hello", "hello.py"),
      setup.as("deployA"),
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const sync = await node.post(
      "/invoke/teamA-hello",
      { Params: { name: "A" } },
      setup.as("invokeA"),
    );
    assert.equal(sync.body.Result, JSON.stringify("Hello, A!"));
    const before = await invocations(setup);

    const accepted = await node.post("/invoke/teamA-hello", { Async: true }, setup.as("invokeA"));
    const reqId = String(accepted.body.ReqId);
    assert.match(reqId, /^teamA-hello-/);
    let report: { status: number; body: unknown } | undefined;
    for (let i = 0; i < 200; i++) {
      report = await node.get(`/poll/${reqId}`, setup.as("invokeA"));
      if (report.status === 200) break;
      await sleep(50);
    }
    assert.equal((report?.body as { Result: string }).Result, JSON.stringify("Hello, World!"));
    const foreign = await node.get(`/poll/${reqId}`, setup.as("invokeB"));
    assert.equal(foreign.status, 403);
    assert.deepEqual(foreign.body, {
      Error: 'The token may only poll the requests of functions matching "teamB-*"',
    });
    // An id the registry does not hold gets the same answer: the foreign token learns nothing.
    const unknown = await node.get(`/poll/teamA-hello-${crypto.randomUUID()}`, setup.as("invokeB"));
    assert.deepEqual(unknown, foreign);
    assert.equal((await node.get(`/poll/${reqId}`, setup.as("read"))).status, 403);
    assert.equal((await node.get(`/poll/${reqId}`, setup.as("admin"))).status, 200);
    assert.equal((await node.get("/poll/not-an-id", setup.as("invokeB"))).status, 404);
    const after = await invocations(setup);
    assert.equal(after.Success, before.Success + 1);
  },
);

Deno.test(
  "the tokens file is re-read: new tokens work, removed ones stop, a broken file keeps the last",
  opts,
  async () => {
    await using setup = await nodeWithTokens();
    const { node } = setup;
    const statusAs = async (token: TokenName) =>
      (await node.get("/status", setup.as(token))).status;
    await setup.writeTokens(["read"]);
    const deadline = Date.now() + 10_000;
    while (await statusAs("admin") !== 401) {
      assert.ok(Date.now() < deadline, "the admin token was not revoked");
      await sleep(100);
    }
    assert.equal(await statusAs("read"), 200);
    await Deno.writeTextFile(setup.file, "sha256:broken read\n");
    await sleep(3000);
    assert.equal(await statusAs("read"), 200, "the last good tokens stay in force");
    assert.equal(await statusAs("admin"), 401);
    await setup.writeTokens(["admin"]);
    while (await statusAs("admin") !== 200) {
      assert.ok(Date.now() < deadline + 5000, "the admin token did not come back");
      await sleep(100);
    }
    assert.equal(await statusAs("read"), 401);
  },
);

Deno.test("a client posing as a node gets 403 and counts nothing", opts, async () => {
  await using setup = await nodeWithTokens();
  const { node } = setup;
  await node.post("/create", await exampleFunction("hello", "hello.py"), setup.as("admin"));
  const before = await invocations(setup);
  for (const token of ["none", "admin", "invoke"] as const) {
    const answer = await node.post("/invoke/hello", {}, {
      ...setup.as(token),
      "Serverledge-Offloaded-From": "edge-1",
    });
    assert.equal(answer.status, 403, token);
    assert.match(String(answer.body.Error), /only from nodes that send the cluster credential/);
  }
  assert.deepEqual(await invocations(setup), before);
  const status = await node.get("/status", setup.as("read"));
  assert.deepEqual((status.body as { Neighbours: unknown[] }).Neighbours, []);
});

Deno.test(
  "with cluster.secret, nodes are trusted on /invoke and /load, clients posing as nodes are not",
  opts,
  async () => {
    await using setup = await nodeWithTokens({ "cluster.secret": SECRET });
    const { node } = setup;
    await node.post("/create", await exampleFunction("hello", "hello.py"), setup.as("admin"));
    const before = await invocations(setup);
    const posing: Record<string, string>[] = [
      { "Serverledge-Offloaded-From": "edge-1" },
      { "Serverledge-Offloaded-From": "edge-1", ...setup.as("admin") },
      { "Serverledge-Offloaded-From": "edge-1", "Serverledge-Cluster-Secret": "not-the-secret!!" },
    ];
    for (const headers of posing) {
      const answer = await node.post("/invoke/hello", {}, headers);
      assert.equal(answer.status, 403, JSON.stringify(headers));
    }
    assert.deepEqual(await invocations(setup), before);
    const metrics = await send(`${node.url}/metrics`, "GET", setup.as("read"));
    assert.doesNotMatch(String(metrics.body), /serverledge_offloads_received_total\{/);

    const node1 = { "Serverledge-Cluster-Secret": SECRET };
    const run = await node.post("/invoke/hello", {}, {
      ...node1,
      "Serverledge-Offloaded-From": "edge-1",
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const after = await invocations(setup);
    assert.equal(after.Received, before.Received + 1);
    assert.equal((await node.get("/load", node1)).status, 200);
    // The credential stands in for a token only where nodes call.
    assert.equal((await node.get("/status", node1)).status, 401);
    assert.equal((await node.post("/delete", { Name: "hello" }, node1)).status, 401);
  },
);

Deno.test("every route of the app is in the access table", opts, async () => {
  await using setup = await nodeWithTokens();
  const declared = new Set(ROUTE_ACCESS.map((r) => `${r.method} ${r.path}`));
  const served = setup.node.node.app.routes.filter((r) => r.method !== "ALL");
  assert.ok(served.length >= ROUTE_ACCESS.length);
  for (const route of served) {
    assert.ok(declared.has(`${route.method} ${route.path}`), `${route.method} ${route.path}`);
  }
});

Deno.test(
  "workflows: deploy creates and deletes, invoke runs, a pattern covers the workflow and its tasks",
  opts,
  async () => {
    await using setup = await nodeWithTokens();
    const { node } = setup;
    for (const name of ["teamA-double", "teamB-double"]) {
      const created = await node.post(
        "/create",
        await exampleFunction(name, "double.py"),
        setup.as("admin"),
      );
      assert.equal(created.status, 200);
    }
    const body = (name: string, fn: string) =>
      workflowBody(name, {
        StartAt: "T",
        States: { T: { Type: "Task", Resource: fn, End: true } },
      });
    const create = (token: TokenName, name: string, fn: string) =>
      node.post("/workflow/create", body(name, fn), setup.as(token));

    assert.equal((await create("invoke", "teamA-w", "teamA-double")).status, 403);
    const foreign = await create("deployA", "teamA-w", "teamB-double");
    assert.equal(foreign.status, 403, "a task outside the token's pattern");
    assert.match(String(foreign.body.Error), /may only create workflows matching "teamA-\*"/);
    assert.equal((await create("deployA", "teamB-w", "teamA-double")).status, 403);
    assert.equal((await create("deployA", "teamA-w", "teamA-double")).status, 200);

    const invoke = (token: TokenName) =>
      node.post("/workflow/invoke/teamA-w", { Params: { a: 2 } }, setup.as(token));
    assert.equal((await invoke("none")).status, 401);
    assert.equal((await invoke("read")).status, 403);
    assert.equal((await invoke("invokeB")).status, 403);
    const ran = await invoke("invokeA");
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.deepEqual(ran.body.Result, { a: 2, b: 2, product: 4 });

    assert.equal((await node.get("/workflow/list", setup.as("none"))).status, 401);
    assert.equal((await node.get("/workflow/list", setup.as("read"))).status, 200);
    assert.equal((await node.get("/workflow/get/teamA-w", setup.as("read"))).status, 200);
    const remove = (token: TokenName) =>
      node.post("/workflow/delete", { Name: "teamA-w" }, setup.as(token));
    assert.equal((await remove("invokeA")).status, 403);
    assert.equal((await remove("deployA")).status, 200);
  },
);
