import assert from "node:assert/strict";
import { newToken, tokenHash, tokenLine } from "../../protocol/auth.ts";
import { ConfigError } from "../config/mod.ts";
import { TokenTable } from "./token_table.ts";

const HASH = "ab".repeat(32);

Deno.test("TokenTable finds a token by its SHA-256, with its role and pattern", async () => {
  const admin = newToken();
  const teamA = newToken();
  const table = TokenTable.parse(
    [
      "# the operator",
      tokenLine(await tokenHash(admin), "admin"),
      "",
      `   ${tokenLine(await tokenHash(teamA), "deploy", "teamA-*")}   # team A's CI`,
      `sha256:${HASH.toUpperCase()} read`,
    ].join("\r\n"),
    "tokens.txt",
  );
  assert.equal(table.size, 3);
  assert.equal(table.find(admin)?.role, "admin");
  assert.equal(table.find(admin)?.allows("anything"), true);
  const entry = table.find(teamA);
  assert.equal(entry?.role, "deploy");
  assert.equal(entry?.pattern, "teamA-*");
  assert.equal(entry?.line, 4);
  assert.equal(entry?.allows("teamA-report"), true);
  assert.equal(entry?.allows("teamB-report"), false);
  assert.equal(table.find("not-a-token"), undefined);
  assert.equal(table.find(""), undefined);
});

Deno.test("TokenTable refuses broken lines, naming the file, the line and what to write", () => {
  const cases: [string, RegExp][] = [
    ["my-raw-token admin", /line 2: the line must start with "sha256:" and the 64 hex digits/],
    [`sha256:${HASH.slice(2)} admin`, /line 2: the line must start with "sha256:"/],
    [
      `sha256:${HASH}`,
      /line 2: a role is missing after the hash: use admin, deploy, invoke or read/,
    ],
    [`sha256:${HASH} owner`, /line 2: "owner" is not a role: use admin, deploy, invoke or read/],
    [`sha256:${HASH} read teamA-*`, /line 2: the role "read" takes no function name pattern/],
    [`sha256:${HASH} admin *`, /line 2: the role "admin" takes no function name pattern/],
    [`sha256:${HASH} invoke team/A`, /line 2: the function name pattern "team\/A" is invalid/],
    [`sha256:${HASH} invoke a b`, /line 2: 4 fields where at most 3 are expected/],
  ];
  for (const [line, message] of cases) {
    assert.throws(
      () => TokenTable.parse(`# tokens\n${line}\n`, "/etc/serverledge/tokens"),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^Tokens file "\/etc\/serverledge\/tokens" line 2: /);
        assert.match(error.message, message);
        assert.equal(error.key, "auth.tokens.file");
        return true;
      },
      line,
    );
  }
});

Deno.test("TokenTable never quotes a first field back: it may be a token pasted by mistake", () => {
  const secret = newToken();
  assert.throws(
    () => TokenTable.parse(`${secret} admin`, "tokens.txt"),
    (error: Error) => !error.message.includes(secret),
  );
});

Deno.test("TokenTable refuses the same token on two lines", () => {
  assert.throws(
    () => TokenTable.parse(`sha256:${HASH} read\nsha256:${HASH.toUpperCase()} admin`, "t"),
    /line 2: the same token is on line 1: keep one line per token/,
  );
});
