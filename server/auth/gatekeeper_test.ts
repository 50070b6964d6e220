import assert from "node:assert/strict";
import { newToken } from "../../protocol/auth.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { Gatekeeper, type Need } from "./gatekeeper.ts";
import { type TokenGrant, tokenLines } from "../testing/tokens.ts";
import { TokenTable } from "./token_table.ts";

const SECRET = "cluster-secret-of-the-test";
const INVOKE: Need = { role: "invoke", action: "invoke functions", nodes: true };
const STATUS: Need = { role: "read", action: "read the node's status" };

async function tableOf(grants: TokenGrant[]) {
  return TokenTable.parse((await tokenLines(grants)).join("\n"), "tokens");
}

/** The status and message `authorize` fails with, or "ok". */
async function outcome(promise: Promise<void>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    assert.ok(error instanceof UnauthorizedError || error instanceof ForbiddenError, String(error));
    return `${error.status} ${error.message}`;
  }
}

Deno.test("Gatekeeper without tokens or cluster secret lets everything through", async () => {
  const gate = new Gatekeeper({ clusterSecret: "" });
  assert.equal(gate.open, true);
  assert.equal(await outcome(gate.authorize({}, STATUS)), "ok");
  assert.equal(await outcome(gate.authorize({ offloadedFrom: "n1" }, INVOKE)), "ok");
});

Deno.test("Gatekeeper: 401 without a valid token, 403 for the wrong role or pattern", async () => {
  const [admin, reader, teamA] = [newToken(), newToken(), newToken()];
  const gate = new Gatekeeper({
    tokens: await tableOf([[admin, "admin"], [reader, "read"], [teamA, "invoke", "teamA-*"]]),
    clusterSecret: "",
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  assert.equal(gate.open, false);
  assert.equal(
    await outcome(gate.authorize({}, STATUS)),
    "401 This node requires a token: send Authorization: Bearer <token>; create one with " +
      "serverledge-cli token",
  );
  assert.match(
    await outcome(gate.authorize(bearer("nope"), STATUS)),
    /^401 The token is not valid/,
  );
  assert.match(
    await outcome(gate.authorize({ authorization: `Basic ${reader}` }, STATUS)),
    /^401 The Authorization header must read "Bearer <token>"/,
  );
  assert.equal(await outcome(gate.authorize({ authorization: `bearer  ${reader}` }, STATUS)), "ok");
  assert.equal(await outcome(gate.authorize(bearer(admin), INVOKE)), "ok");
  assert.equal(
    await outcome(gate.authorize(bearer(reader), INVOKE, () => Promise.resolve("teamA-x"))),
    '403 The token\'s role "read" may not invoke functions',
  );
  let asked = 0;
  const name = (fn: string) => () => (asked++, Promise.resolve(fn));
  assert.equal(await outcome(gate.authorize(bearer(teamA), INVOKE, name("teamA-x"))), "ok");
  assert.equal(
    await outcome(gate.authorize(bearer(teamA), INVOKE, name("teamB-x"))),
    '403 The token may only invoke functions matching "teamA-*"',
  );
  assert.equal(asked, 2);
  // A limited token on a route that names no function is refused, never let through.
  assert.equal(
    await outcome(gate.authorize(bearer(teamA), INVOKE)),
    '403 The token is limited to functions matching "teamA-*" and may not invoke functions',
  );
  // The function is asked for only when a pattern needs it.
  await gate.authorize(bearer(admin), INVOKE, name("x"));
  assert.equal(asked, 2);
});

Deno.test("Gatekeeper: the cluster secret stands in for a token where nodes call", async () => {
  const reader = newToken();
  const gate = new Gatekeeper({ tokens: await tableOf([[reader, "read"]]), clusterSecret: SECRET });
  const node = { clusterSecret: SECRET, offloadedFrom: "edge-1" };
  assert.equal(await outcome(gate.authorize(node, INVOKE)), "ok");
  assert.equal(await outcome(gate.authorize({ clusterSecret: SECRET }, INVOKE)), "ok");
  // Not on routes nodes do not use: there a token is needed.
  assert.match(await outcome(gate.authorize({ clusterSecret: SECRET }, STATUS)), /^401/);
  assert.equal(
    await outcome(gate.authorize({ clusterSecret: "cluster-secret-of-another" }, INVOKE)),
    "403 The Serverledge-Cluster-Secret header does not match this node's cluster.secret: " +
      "give every node of the deployment the same cluster.secret",
  );
  // A client posing as a node, with a valid token or none.
  const posing = { offloadedFrom: "edge-1", authorization: `Bearer ${reader}` };
  assert.equal(
    await outcome(gate.authorize(posing, STATUS)),
    "403 Only nodes of this deployment may send Serverledge-Offloaded-From, with their " +
      "Serverledge-Cluster-Secret (cluster.secret)",
  );
});

Deno.test("Gatekeeper: a node with tokens and no cluster secret takes no offloaded request", async () => {
  const admin = newToken();
  const gate = new Gatekeeper({ tokens: await tableOf([[admin, "admin"]]), clusterSecret: "" });
  const from = { offloadedFrom: "edge-1", authorization: `Bearer ${admin}` };
  assert.match(
    await outcome(gate.authorize(from, INVOKE)),
    /^403 This node takes Serverledge-Offloaded-From only from nodes that send the cluster credential, and has none: set the same cluster.secret on every node$/,
  );
  // The header of a secret this node does not have is ignored.
  assert.equal(
    await outcome(
      gate.authorize({ ...from, offloadedFrom: undefined, clusterSecret: "x" }, INVOKE),
    ),
    "ok",
  );
});

Deno.test("Gatekeeper with a cluster secret and no tokens: clients are served, not as nodes", async () => {
  const gate = new Gatekeeper({ clusterSecret: SECRET });
  assert.equal(gate.open, false);
  assert.equal(await outcome(gate.authorize({}, INVOKE)), "ok");
  assert.match(await outcome(gate.authorize({ offloadedFrom: "x" }, INVOKE)), /^403 Only nodes/);
  assert.equal(
    await outcome(gate.authorize({ offloadedFrom: "x", clusterSecret: SECRET }, INVOKE)),
    "ok",
  );
});
