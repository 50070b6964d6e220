import assert from "node:assert/strict";
import { CLI_BINARY, LB_BINARY, NODE_BINARY, PROJECT_ROOT } from "./binaries.ts";
import { checkDenortBin, compileArgs, existingIncludes, explainFailure } from "./compile.ts";

// What `deno compile` 2.9.6 prints (NO_COLOR) when it cannot download its runtime base.
const DOWNLOAD_FAILURE = `Check main.ts
Compile main.ts to bin/serverledge
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'bin/serverledge.tmp-c8a835674c325ef2'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)
    3: dns error
    4: failed to lookup address information: Name or service not known
`;

async function denoTask(name: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${PROJECT_ROOT}/deno.json`));
  return config.tasks[name].command;
}

Deno.test("the node binary runs with the permissions of `deno task start`", async () => {
  const start = await denoTask("start");
  assert.equal(start, `deno run ${NODE_BINARY.runFlags.join(" ")} main.ts`);
});

Deno.test("the CLI binary runs with the permissions of `deno task cli` but INIT_CWD", async () => {
  assert.equal(await denoTask("cli"), `deno run ${CLI_BINARY.taskFlags!.join(" ")} cli/main.ts`);
  const withoutInitCwd = CLI_BINARY.taskFlags!.map((flag) => flag.replace(",INIT_CWD", ""));
  assert.deepEqual(withoutInitCwd, CLI_BINARY.runFlags);
});

Deno.test("compileArgs embeds the existing run-time folders without their tests", async () => {
  const existing = await existingIncludes(NODE_BINARY, PROJECT_ROOT);
  assert.ok(existing.include.includes("runtimes"));
  assert.ok(
    existing.include.includes("server/functions/check_worker.ts"),
    "the code checker's worker, loaded by URL, not by import",
  );
  assert.ok(existing.exclude.includes("runtimes/executor_test.ts"));
  assert.ok(existing.exclude.every((path) => path.endsWith("_test.ts")));
  assert.deepEqual(
    compileArgs(NODE_BINARY, { include: ["runtimes"], exclude: ["runtimes/x_test.ts"] }),
    [
      "compile",
      "--exclude-unused-npm",
      ...NODE_BINARY.runFlags,
      "--include",
      "runtimes",
      "--exclude",
      "runtimes/x_test.ts",
      "--output",
      "bin/serverledge",
      "main.ts",
    ],
  );
  assert.deepEqual(compileArgs(CLI_BINARY, await existingIncludes(CLI_BINARY, PROJECT_ROOT)), [
    "compile",
    "--exclude-unused-npm",
    ...CLI_BINARY.runFlags,
    "--output",
    "bin/serverledge-cli",
    "cli/main.ts",
  ]);
  assert.deepEqual(compileArgs(LB_BINARY, await existingIncludes(LB_BINARY, PROJECT_ROOT)), [
    "compile",
    "--exclude-unused-npm",
    ...LB_BINARY.runFlags,
    "--output",
    "bin/serverledge-lb",
    "lb.ts",
  ]);
});

Deno.test("explainFailure says the runtime base could not be downloaded, and what to do", () => {
  assert.equal(
    explainFailure(NODE_BINARY, DOWNLOAD_FAILURE),
    "Cannot compile bin/serverledge: deno compile could not download its runtime base (denort) " +
      "from https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip " +
      "(dns error: failed to lookup address information: Name or service not known)\n" +
      "Fetch that zip where the network allows (or copy denort from a machine that has it), " +
      "unzip it, and run again with DENORT_BIN=/path/to/denort",
  );
  assert.equal(
    explainFailure(CLI_BINARY, "error: Type checking failed.\n"),
    "Cannot compile bin/serverledge-cli: deno compile failed:\nerror: Type checking failed.",
  );
});

Deno.test("checkDenortBin accepts an existing file and explains a wrong path", async () => {
  assert.equal(await checkDenortBin(undefined), undefined);
  assert.equal(await checkDenortBin(""), undefined);
  assert.equal(await checkDenortBin(Deno.execPath()), undefined);
  assert.match(
    (await checkDenortBin("/nonexistent/denort"))!,
    /^DENORT_BIN is set to "\/nonexistent\/denort", which is not a file: point it at a denort/,
  );
  assert.match((await checkDenortBin(PROJECT_ROOT))!, /which is not a file/);
});

Deno.test("deno task compile stops at once with a wrong DENORT_BIN, exit code 1", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "compile"],
    cwd: PROJECT_ROOT,
    env: { DENORT_BIN: "/nonexistent/denort", NO_COLOR: "1" },
  }).output();
  assert.equal(code, 1);
  assert.equal(new TextDecoder().decode(stdout), "");
  assert.match(new TextDecoder().decode(stderr), /DENORT_BIN is set to "\/nonexistent\/denort"/);
});
