import assert from "node:assert/strict";
import { BINARIES, CLI_BINARY, LB_BINARY, NODE_BINARY, PROJECT_ROOT } from "./binaries.ts";
import { installArgs } from "./install.ts";

const decoder = new TextDecoder();

Deno.test("installArgs installs each command with the project's config and its permissions", () => {
  assert.deepEqual(installArgs(CLI_BINARY, "/src/project"), [
    "install",
    "--global",
    "--force",
    "--name",
    "serverledge-cli",
    "--config",
    "/src/project/deno.json",
    ...CLI_BINARY.runFlags,
    "/src/project/cli/main.ts",
  ]);
});

Deno.test("deno task install installs serverledge, serverledge-cli and serverledge-lb that run", async () => {
  const root = await Deno.makeTempDir({ prefix: "serverledge-install-" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "install"],
      cwd: PROJECT_ROOT,
      env: { DENO_INSTALL_ROOT: root, NO_COLOR: "1" },
    }).output();
    assert.equal(install.code, 0, decoder.decode(install.stderr));
    for (const binary of BINARIES) {
      const shim = await Deno.readTextFile(`${root}/bin/${binary.name}`);
      for (const flag of binary.runFlags) assert.ok(shim.includes(flag), `${binary.name} ${flag}`);
    }
    const run = async (name: string, args: string[]) => {
      const output = await new Deno.Command(`${root}/bin/${name}`, {
        args,
        stdin: "null",
        env: { NO_COLOR: "1" },
      }).output();
      return decoder.decode(output.stdout) + decoder.decode(output.stderr);
    };
    assert.match(await run(CLI_BINARY.name, ["help"]), /^Usage: serverledge-cli <command>/);
    // The node starts, reads the config file given as first argument, and says what is wrong.
    assert.match(
      await run(NODE_BINARY.name, ["/nonexistent/serverledge-conf.yaml"]),
      /Cannot start the node: Config file "\/nonexistent\/serverledge-conf.yaml" does not exist/,
    );
    assert.match(
      await run(LB_BINARY.name, ["/nonexistent/serverledge-conf.yaml"]),
      /Cannot start serverledge-lb: Config file "\/nonexistent\/serverledge-conf.yaml" does not exist/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
