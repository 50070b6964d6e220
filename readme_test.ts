// README stays true to the code: the config table is the one server/config/ describes, and the
// two set-up commands are the tasks and scripts that exist.
import assert from "node:assert/strict";
import { describeConfigKeys } from "./server/config/mod.ts";

const readme = await Deno.readTextFile(new URL("./README.md", import.meta.url));

function tableRows(markdown: string): string[][] {
  return markdown.split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split("|").map((cell) => cell.trim()));
}

Deno.test("README's config table matches the keys of server/config/", () => {
  const start = readme.indexOf("<!-- config-keys:start");
  const end = readme.indexOf("<!-- config-keys:end -->");
  assert.ok(start !== -1 && end > start, "the README marks the generated table");
  assert.deepEqual(tableRows(readme.slice(start, end)), tableRows(describeConfigKeys()));
});

Deno.test("README's set-up and test commands exist", async () => {
  assert.match(readme, /scripts\/setup\.sh && deno task start/);
  assert.match(readme, /^deno task test$/m);
  const tasks = JSON.parse(await Deno.readTextFile(new URL("./deno.json", import.meta.url))).tasks;
  for (const task of ["start", "dev", "test", "bench"]) assert.ok(task in tasks, task);
  const ci = await Deno.readTextFile(new URL("./.ci/run", import.meta.url));
  assert.match(ci, /^deno task test$/m, ".ci/run runs the README's test command");
});
