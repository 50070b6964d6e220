import assert from "node:assert/strict";
import { patternMatcher } from "./pattern.ts";

Deno.test("patternMatcher: * is any run of name characters, everything else is literal", () => {
  const cases: [string, string[], string[]][] = [
    ["teamA-*", ["teamA-", "teamA-report", "teamA-a-b"], ["teamB-report", "xteamA-r", "teamA"]],
    ["*-report", ["a-report", "-report"], ["a-report2", "report"]],
    ["exact", ["exact"], ["exact2", "inexact", "Exact"]],
    ["a*b*c", ["abc", "a-x-b-y-c"], ["acb", "ab"]],
    ["*", ["x", "teamA-report"], []],
  ];
  for (const [pattern, inside, outside] of cases) {
    const matches = patternMatcher(pattern);
    for (const name of inside) assert.equal(matches(name), true, `${pattern} ~ ${name}`);
    for (const name of outside) assert.equal(matches(name), false, `${pattern} !~ ${name}`);
  }
});
