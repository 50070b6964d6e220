// The README stays short and true to the code: its two set-up commands are tasks and scripts that
// exist (and the ones CI runs), it stays under 200 lines, and it leads to every docs page. The
// docs pages themselves (config table, links) are checked by docs/docs_test.ts.
import assert from "node:assert/strict";

const readme = await Deno.readTextFile(new URL("./README.md", import.meta.url));

Deno.test("README's set-up and test commands exist", async () => {
  assert.match(readme, /scripts\/setup\.sh && deno task start/);
  assert.match(readme, /^deno task test$/m);
  const tasks = JSON.parse(await Deno.readTextFile(new URL("./deno.json", import.meta.url))).tasks;
  for (const task of ["start", "dev", "test", "bench", "cli"]) assert.ok(task in tasks, task);
  await Deno.stat(new URL("./scripts/setup.sh", import.meta.url));
  const ci = await Deno.readTextFile(new URL("./.ci/run", import.meta.url));
  assert.match(ci, /^deno task test$/m, ".ci/run runs the README's test command");
});

Deno.test("README is under 200 lines", () => {
  const lines = readme.split("\n").length - (readme.endsWith("\n") ? 1 : 0);
  assert.ok(lines < 200, `README.md has ${lines} lines; move detail to docs/`);
});

Deno.test("README links every docs page", async () => {
  const missing: string[] = [];
  for await (const entry of Deno.readDir(new URL("./docs/", import.meta.url))) {
    if (!entry.isFile || !entry.name.endsWith(".md")) continue;
    if (!readme.includes(`](docs/${entry.name})`)) missing.push(`docs/${entry.name}`);
  }
  assert.deepEqual(missing, [], 'pages the README\'s "Where to read on" does not link');
});
