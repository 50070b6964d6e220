// End-to-end tests of serverledge-cli: the CLI runs as a subprocess (`deno run` with the
// permissions of the shipped binary) against a real node with real Docker containers.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { tokenHash } from "../protocol/auth.ts";
import { CLI_BINARY } from "../scripts/binaries.ts";
import { startTestNode } from "../server/testing/test_node.ts";
import { runCli } from "./main.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const E2E = { sanitizeOps: false, sanitizeResources: false };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from the project root; SERVERLEDGE_HOST/PORT/TOKEN are unset unless given. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_BINARY.runFlags, CLI_BINARY.entry, ...args],
    cwd: ROOT,
    env: {
      SERVERLEDGE_HOST: "",
      SERVERLEDGE_PORT: "",
      SERVERLEDGE_TOKEN: "",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs the CLI, expects exit code 0 and nothing on stderr, and parses its JSON output. */
async function cliJson(args: string[], env: Record<string, string> = {}) {
  const run = await cli(args, env);
  assert.equal(run.stderr, "", `stderr of: ${args.join(" ")}`);
  assert.equal(run.code, 0, `exit code of: ${args.join(" ")}`);
  return JSON.parse(run.stdout);
}

Deno.test(
  "serverledge-cli drives a real node with the seed README's and today's flags",
  E2E,
  async (t) => {
    await using node = await startTestNode({ config: { "container.pool.memory": 2048 } });
    const port = new URL(node.url).port;
    const at = ["-host", "127.0.0.1", "-port", port];
    const env = { SERVERLEDGE_HOST: "127.0.0.1", SERVERLEDGE_PORT: port };
    const dir = await Deno.makeTempDir({ prefix: "serverledge-cli-e2e-" });

    await t.step("seed README: -cmd create, host and port before the command", async () => {
      const run = await cli([
        ...at,
        "-cmd",
        "create",
        "-function",
        "func",
        "-memory",
        "600",
        "-src",
        "examples/hello.py",
        "-runtime",
        "python310",
        "-handler",
        "hello.handler",
      ]);
      assert.equal(run.code, 0, run.stderr);
      // Printed as Serverledge's CLI prints answers: tab-indented JSON.
      assert.equal(run.stdout, '{\n\t"Created": "func",\n\t"Runtime": "python311"\n}\n');
    });

    await t.step("seed README: -cmd invoke with -param pairs", async () => {
      const report = await cliJson([
        ...at,
        "-cmd",
        "invoke",
        "-function",
        "func",
        "-param",
        "name:Edge",
        "-param",
        "b:3",
      ]);
      assert.equal(report.Success, true);
      assert.equal(JSON.parse(report.Result), "Hello, Edge!");
    });

    await t.step("today's flags: create --runtime --handler --memory --cpu --src", async () => {
      const answer = await cliJson([
        "create",
        "-f",
        "double",
        "--runtime",
        "python310",
        "--handler",
        "double.handler",
        "--memory",
        "128",
        "--cpu",
        "0.5",
        "--src",
        "examples/double.py",
        "-H",
        "127.0.0.1",
        "-P",
        port,
      ]);
      assert.deepEqual(answer, { Created: "double", Runtime: "python311" });
      const definitions = (await node.get("/function?details=true")).body as {
        Name: string;
        CPUDemand: number;
      }[];
      assert.equal(definitions.find((d) => d.Name === "double")?.CPUDemand, 0.5);
    });

    await t.step("Serverledge's signature flags: create and update --input --output", async () => {
      const typed = ["-f", "typed", "-runtime", "python310", "-handler", "double.handler", ...at];
      typed.push("-src", "examples/double.py");
      const signature = async () => {
        const definitions = (await node.get("/function?details=true")).body as {
          Name: string;
          Signature: unknown;
        }[];
        return definitions.find((d) => d.Name === "typed")?.Signature;
      };
      assert.deepEqual(
        await cliJson([
          "create",
          ...typed,
          "--input",
          "a:Int",
          "--input",
          "b:Int",
          "--output",
          "product:Int",
        ]),
        { Created: "typed", Runtime: "python311" },
      );
      assert.deepEqual(await signature(), {
        Inputs: [{ Name: "a", Type: "Int" }, { Name: "b", Type: "Int" }],
        Outputs: [{ Name: "product", Type: "Int" }],
      });
      await cliJson(["update", ...typed, "--output", "product:Float"]);
      assert.deepEqual(await signature(), {
        Inputs: [],
        Outputs: [{ Name: "product", Type: "Float" }],
      });
      const bad = await cli(["update", ...typed, "--input", "a:Integer"]);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /Option "-input" takes name:Type, .* got "a:Integer"/);
      assert.deepEqual(await signature(), {
        Inputs: [],
        Outputs: [{ Name: "product", Type: "Float" }],
      }, "nothing sent");
      assert.deepEqual(
        await cliJson(["delete", "-f", "typed", "-H", "127.0.0.1", "-P", port]),
        { Deleted: "typed" },
        "the later steps list the other functions",
      );
    });

    await t.step(
      "today's flags: invoke -f -p -j -o --resptime -c",
      async () => {
        await Deno.writeTextFile(`${dir}/params.json`, JSON.stringify({ a: 5, b: 7 }));
        const report = await cliJson([
          "invoke",
          "-f",
          "double",
          "-p",
          "a:2",
          "-j",
          `${dir}/params.json`,
          "-o",
          "--resptime",
          "0.5",
          "-c",
          "1",
          ...at,
        ]);
        assert.equal(report.Success, true);
        // -p overrides the file (the function reads numbers from either).
        assert.deepEqual(JSON.parse(report.Result), { a: 2, b: 7, product: 14 });
      },
    );

    await t.step("deno task cli reads -src from the user's directory (INIT_CWD)", async () => {
      await Deno.writeTextFile(
        `${dir}/echo.py`,
        "def handler(params, context):\n    return params\n",
      );
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["task", "--config", `${ROOT}/deno.json`, "cli", "--", "create", "-f", "echo"]
          .concat([
            "-runtime",
            "python310",
            "-handler",
            "echo.handler",
            "-src",
            "./echo.py",
            ...at,
          ]),
        cwd: dir,
        // Not the INIT_CWD of a deno task this test may run under (deno task keeps one it finds).
        env: { ...withoutInitCwd(), NO_COLOR: "1", SERVERLEDGE_TOKEN: "" },
        clearEnv: true,
        stdin: "null",
      }).output();
      const stdout = new TextDecoder().decode(output.stdout);
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      assert.deepEqual(JSON.parse(stdout), { Created: "echo", Runtime: "python311" });
    });

    await t.step("the program reads -src from its own directory, not INIT_CWD", async () => {
      const args = ["update", "-f", "echo", "-runtime", "python310", "-handler", "echo.handler"];
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...CLI_BINARY.runFlags, `${ROOT}/${CLI_BINARY.entry}`, ...args]
          .concat(["-src", "./echo.py", ...at]),
        cwd: dir,
        env: { NO_COLOR: "1", SERVERLEDGE_TOKEN: "", INIT_CWD: ROOT },
        stdin: "null",
      }).output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    });

    await t.step("-p sends strings as Serverledge's CLI does; -param_json typed", async () => {
      const report = await cliJson([
        "invoke",
        "-f",
        "echo",
        "-p",
        "n:17",
        "-p",
        "s:a,t:b",
        "-param_json",
        "m:17",
        "-param_json",
        'o:{"x":[1,2]}',
        ...at,
      ]);
      assert.deepEqual(JSON.parse(report.Result), {
        n: "17",
        s: "a",
        t: "b",
        m: 17,
        o: { x: [1, 2] },
      });
    });

    await t.step("pflag spellings: -fecho -pn:1 -ao -P<port>", async () => {
      const { ReqId } = await cliJson(["invoke", "-fecho", "-pn:1", "-ao", `-P${port}`]);
      const report = await cliJson(["-P", port, "poll", "--request", ReqId, "-wait"]);
      assert.deepEqual(JSON.parse(report.Result), { n: "1" });
      const help = await cli(["-P", port, "help", "invoke"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: serverledge-cli invoke /);
    });

    await t.step("--name=value spelling, -params_file and -return_output", async () => {
      const report = await cliJson([
        "invoke",
        "--function=func",
        `-params_file=${dir}/params.json`,
        "-return_output",
        `--port=${port}`,
      ]);
      assert.equal(report.Success, true);
      assert.equal(report.Output, "Saying hello to World\n");
    });

    await t.step("seed README: -qosclass <class> -qosrespt <respt>", async () => {
      for (const qos of ["performance", "low", "2"]) {
        const report = await cliJson([
          "invoke",
          "-function",
          "double",
          "-param",
          "a:3",
          "-qosclass",
          qos,
          "-qosrespt",
          "2",
          ...at,
        ]);
        assert.equal(report.Success, true, qos);
      }
    });

    await t.step("seed README: -qosclass async answers the request id; poll -wait", async () => {
      const { ReqId } = await cliJson([
        ...at,
        "-cmd",
        "invoke",
        "-function",
        "double",
        "-param",
        "a:2",
        "-param",
        "b:3",
        "-qosclass",
        "async",
      ]);
      assert.match(ReqId, /^double-/);
      const report = await cliJson(["poll", "-request", ReqId, "-wait", ...at]);
      assert.deepEqual(JSON.parse(report.Result), { a: 2, b: 3, product: 6 });
      // Today's spelling, once the result exists.
      assert.equal((await cliJson(["poll", "--request", ReqId, ...at])).Success, true);
    });

    await t.step("poll of a running request: exit 1 while it runs, -wait waits", async () => {
      await cliJson([
        "create",
        "-f",
        "sleep",
        "--runtime",
        "python310",
        "--handler",
        "sleep.handler",
        "--src",
        "examples/sleep.py",
        ...at,
      ]);
      const { ReqId } = await cliJson(["invoke", "-f", "sleep", "-p", "seconds:1.5", "-a", ...at]);
      const running = await cli(["poll", "-request", ReqId, ...at]);
      assert.equal(running.code, 1);
      assert.equal(running.stderr, `Request "${ReqId}" is still running\n`);
      const timedOut = await cli(["poll", "-request", ReqId, "-wait", "-timeout", "0.2", ...at]);
      assert.equal(timedOut.code, 1);
      assert.equal(timedOut.stderr, `Request "${ReqId}" is still running after 0.2 s\n`);
      const done = await cliJson(["poll", "-request", ReqId, "-wait", ...at]);
      assert.deepEqual(JSON.parse(done.Result), { slept: 1.5 });
    });

    await t.step("status: JSON when piped (as Serverledge's) or with -json", async () => {
      const piped = await cli(["status"], env);
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stderr, "");
      // Tab-indented, as Serverledge's CLI prints it.
      assert.match(piped.stdout, /^\{\n\t"/);
      assert.equal(JSON.parse(piped.stdout).Id, node.node.services.identity.id);
      const line = await cli(["status", "-json"], env);
      assert.equal(line.stdout.trimEnd().includes("\n"), false, "one line");
      assert.equal(JSON.parse(line.stdout).Id, node.node.services.identity.id);
    });

    await t.step("status on a terminal: the readable summary", async () => {
      // `script` runs the CLI with a real pseudo-terminal as its standard output.
      const command = [Deno.execPath(), "run", ...CLI_BINARY.runFlags, CLI_BINARY.entry, "status"]
        .map((word) => `'${word}'`).join(" ");
      const output = await new Deno.Command("script", {
        args: ["-q", "-e", "-c", command, "/dev/null"],
        cwd: ROOT,
        env: { ...env, NO_COLOR: "1", SERVERLEDGE_TOKEN: "" },
        stdin: "null",
      }).output();
      const text = new TextDecoder().decode(output.stdout).replaceAll("\r\n", "\n");
      assert.equal(output.code, 0, text);
      assert.match(text, new RegExp(`^Node +test-\\S+ at http://127\\.0\\.0\\.1:${port} `));
      assert.match(text, /\nFUNCTION +WARM +BUSY +STARTING +MEMORY\n/);
      assert.match(text, /\nfunc +1 +0 +0 +600 MB\n/);
    });

    await t.step("seed README: status with -host/-port after the command", async () => {
      const status = await cliJson(["status", ...at], { SERVERLEDGE_PORT: "1" });
      assert.equal(status.Id, node.node.services.identity.id);
    });

    await t.step("list, list -details, and -H/-P", async () => {
      const names = await cliJson(["list", "-H", "127.0.0.1", "-P", port]);
      assert.deepEqual([...names].sort(), ["double", "echo", "func", "sleep"]);
      const details = await cliJson(["list", "-details", "-json"], env);
      const func = details.find((d: { Name: string }) => d.Name === "func");
      assert.equal(func.MemoryMB, 600);
      assert.equal(func.TarFunctionCode, undefined);
    });

    await t.step("prewarm -function -count and -f -c, quiet when piped", async () => {
      assert.deepEqual(await cliJson(["prewarm", "-function", "double", "-count", "2", ...at]), {
        Prewarmed: 2,
      });
      assert.deepEqual(await cliJson(["prewarm", "-f", "sleep", "-c", "1"], env), {
        Prewarmed: 1,
      });
      const warm = (await node.get("/status")).body as {
        AvailableWarmContainers: Record<string, number>;
      };
      assert.ok(warm.AvailableWarmContainers.double >= 2);
    });

    await t.step("on a terminal, prewarm and poll -wait show progress on stderr", async () => {
      const output = { stdout: "", stderr: "" };
      const terminal = {
        stdout: (text: string) => void (output.stdout += text),
        stderr: (text: string) => void (output.stderr += text),
        interactive: true,
        stdoutTerminal: true,
        env: () => undefined,
        cwd: ROOT,
      };
      assert.equal(await runCli(["prewarm", "-f", "func", "-c", "1", ...at], terminal), 0);
      assert.ok(
        output.stderr.startsWith('\rPrewarming "func": 0 of 1 containers ready ('),
        JSON.stringify(output.stderr),
      );
      assert.ok(output.stderr.endsWith("\r\x1b[K"), "the progress line is cleared");
      assert.deepEqual(JSON.parse(output.stdout), { Prewarmed: 1 });

      output.stdout = output.stderr = "";
      assert.equal(await runCli(["prewarm", "-f", "nope", "-c", "2", ...at], terminal), 1);
      assert.ok(output.stderr.endsWith('Function "nope" does not exist\n'), output.stderr);

      output.stdout = output.stderr = "";
      const { ReqId } = await cliJson(["invoke", "-f", "sleep", "-p", "seconds:1", "-a", ...at]);
      assert.equal(await runCli(["poll", "-request", ReqId, "-wait", ...at], terminal), 0);
      assert.ok(
        output.stderr.startsWith(`\rWaiting for request "${ReqId}" (0 s)`),
        JSON.stringify(output.stderr),
      );
      assert.equal(JSON.parse(output.stdout).Success, true);
    });

    await t.step("update from a folder; -cpus", async () => {
      await Deno.mkdir(`${dir}/code`);
      await Deno.writeTextFile(`${dir}/code/helper.py`, "FACTOR = 10\n");
      await Deno.writeTextFile(
        `${dir}/code/double.py`,
        "from helper import FACTOR\n\ndef handler(params, context):\n" +
          '    return {"product": FACTOR * int(params["a"])}\n',
      );
      assert.deepEqual(
        await cliJson([
          "update",
          "-function",
          "double",
          "-runtime",
          "python310",
          "-handler",
          "double.handler",
          "-cpus",
          "0.25",
          "-src",
          `${dir}/code`,
          ...at,
        ]),
        { Updated: "double", Runtime: "python311" },
      );
      const report = await cliJson(["invoke", "-f", "double", "-p", "a:4", ...at]);
      assert.deepEqual(JSON.parse(report.Result), { product: 40 });
    });

    await t.step("-custom_image: a custom runtime running the Python executor image", async () => {
      assert.deepEqual(
        await cliJson([
          "create",
          "-function",
          "custom",
          "-runtime",
          "custom",
          "-custom_image",
          "serverledge-python311",
          "-handler",
          "hello.handler",
          "-src",
          "examples/hello.py",
          ...at,
        ]),
        { Created: "custom", Runtime: "custom" },
      );
      const report = await cliJson(["invoke", "-f", "custom", "-p", "name:Custom", ...at]);
      assert.equal(JSON.parse(report.Result), "Hello, Custom!");
    });

    await t.step(
      "a failing function: its report on stdout, the reason on stderr, exit 1",
      async () => {
        await cliJson([
          "create",
          "-f",
          "fail",
          "-runtime",
          "python310",
          "-handler",
          "fail.handler",
          "-src",
          "examples/fail.py",
          ...at,
        ]);
        const run = await cli(["invoke", "-f", "fail", "-p", "message:boom", ...at]);
        assert.equal(run.code, 1);
        assert.equal(JSON.parse(run.stdout).Success, false);
        assert.match(run.stderr, /^Function "fail" failed: .*boom/);
      },
    );

    await t.step("API errors: the node's message, exit 1", async () => {
      const cases: [string[], string][] = [
        [["invoke", "-f", "nope"], 'Function "nope" does not exist\n'],
        [["delete", "-f", "nope"], 'Function "nope" does not exist\n'],
        [["poll", "-request", "nope-1"], 'Request "nope-1" is unknown or its report expired\n'],
        [
          ["poll", "-request", "nope-00000000-0000-0000-0000-000000000000"],
          'Request "nope-00000000-0000-0000-0000-000000000000" is unknown or its report expired\n',
        ],
        [["prewarm", "-f", "nope"], 'Function "nope" does not exist\n'],
      ];
      for (const [args, message] of cases) {
        const run = await cli([...args, ...at]);
        assert.equal(run.code, 1, args.join(" "));
        assert.equal(run.stderr, message);
        assert.equal(run.stdout, "");
      }
      const taken = await cli([
        "create",
        "-f",
        "func",
        "-runtime",
        "python310",
        "-handler",
        "hello.handler",
        "-src",
        "examples/hello.py",
        ...at,
      ]);
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /^Function "func" already exists/);
      const badRuntime = await cli([
        "create",
        "-f",
        "cobol",
        "-runtime",
        "cobol85",
        "-src",
        "examples/hello.py",
        ...at,
      ]);
      assert.equal(badRuntime.code, 1);
      assert.match(badRuntime.stderr, /^Runtime "cobol85" is unknown/);
    });

    await t.step("usage errors: usage of that command, exit 2", async () => {
      const unknownFlag = await cli(["invoke", "-f", "func", "--bogus", ...at]);
      assert.equal(unknownFlag.code, 2);
      assert.match(
        unknownFlag.stderr,
        /^Unknown option "--bogus"\n\nUsage: serverledge-cli invoke /,
      );
      const unknownCommand = await cli(["-cmd", "deploy", ...at]);
      assert.equal(unknownCommand.code, 2);
      assert.match(unknownCommand.stderr, /^Unknown command "deploy"\n\nUsage: serverledge-cli </);
      const missingSrc = await cli(["create", "-f", "x", "-runtime", "python310", ...at]);
      assert.equal(missingSrc.code, 2);
      assert.match(missingSrc.stderr, /^Option "-src" is required for runtime "python310"\n/);
    });

    await t.step("a missing -src path: a clear message, exit 1", async () => {
      const run = await cli([
        "create",
        "-f",
        "x",
        "-runtime",
        "python310",
        "-handler",
        "x.handler",
        "-src",
        "examples/missing.py",
        ...at,
      ]);
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        'Cannot read source "examples/missing.py": no such file or directory\n',
      );
    });

    await t.step("delete -function, then the function is gone", async () => {
      assert.deepEqual(await cliJson(["delete", "-function", "func", ...at]), { Deleted: "func" });
      assert.deepEqual(await cliJson(["-cmd", "delete", "--function", "sleep"], env), {
        Deleted: "sleep",
      });
      const names = await cliJson(["list", ...at]);
      assert.ok(!names.includes("func"));
    });

    await t.step("an unreachable node: one line naming host and port, exit 1", async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const closed = (listener.addr as Deno.NetAddr).port;
      listener.close();
      const run = await cli(["status"], {
        SERVERLEDGE_HOST: "127.0.0.1",
        SERVERLEDGE_PORT: `${closed}`,
      });
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        `Cannot reach the node at 127.0.0.1:${closed}: connection refused\n`,
      );
    });

    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test(
  "serverledge-cli token makes tokens a node accepts; -token and SERVERLEDGE_TOKEN send them",
  E2E,
  async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "serverledge-cli-token-" });
    const made: Record<string, { Token: string; Line: string }> = {};

    await t.step("token -role [-functions] prints a token and its line", async () => {
      for (
        const [name, args] of [
          ["admin", ["-role", "admin"]],
          ["teamA", ["-role", "invoke", "-functions", "teamA-*"]],
        ] as const
      ) {
        made[name] = await cliJson(["token", ...args]);
        assert.match(made[name].Token, /^[A-Za-z0-9_-]{43}$/);
      }
      assert.equal(made.admin.Line, `sha256:${await tokenHash(made.admin.Token)} admin`);
      assert.equal(made.teamA.Line, `sha256:${await tokenHash(made.teamA.Token)} invoke teamA-*`);
      assert.notEqual(made.admin.Token, made.teamA.Token);
    });

    await t.step("token refuses what a tokens file would refuse: exit 2", async () => {
      const cases: [string[], RegExp][] = [
        [
          ["-role", "root"],
          /^Option "-role" must be one of admin, deploy, invoke, read, got "root"/,
        ],
        [
          ["-role", "read", "-functions", "a*"],
          /^Option "-functions" applies to the roles deploy and invoke only/,
        ],
        [
          ["-role", "deploy", "-functions", "a/b"],
          /^Option "-functions" must be at most 64 letters/,
        ],
        [[], /^Option "-role" is required/],
      ];
      for (const [args, message] of cases) {
        const run = await cli(["token", ...args]);
        assert.equal(run.code, 2, args.join(" "));
        assert.match(run.stderr, message);
        assert.match(
          run.stderr,
          /Usage: serverledge-cli token -role <role> \[-functions <pattern>\]/,
        );
      }
    });

    await Deno.writeTextFile(`${dir}/tokens`, `${made.admin.Line}\n${made.teamA.Line}\n`);
    await using node = await startTestNode({ config: { "auth.tokens.file": `${dir}/tokens` } });
    const at = ["-host", "127.0.0.1", "-port", new URL(node.url).port];

    await t.step("without a token: the node's 401 message, exit 1", async () => {
      const run = await cli(["status", ...at]);
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        "This node requires a token: send Authorization: Bearer <token>; " +
          "create one with serverledge-cli token\n",
      );
    });

    await t.step("-token and SERVERLEDGE_TOKEN (the option wins)", async () => {
      const created = await cliJson([
        "create",
        "-f",
        "teamA-hello",
        "-runtime",
        "python310",
        "-handler",
        "hello.handler",
        "-src",
        "examples/hello.py",
        "-token",
        made.admin.Token,
        ...at,
      ]);
      assert.deepEqual(created, { Created: "teamA-hello", Runtime: "python311" });
      const env = { SERVERLEDGE_TOKEN: made.teamA.Token };
      const report = await cliJson(["invoke", "-f", "teamA-hello", "-p", "name:A", ...at], env);
      assert.equal(JSON.parse(report.Result), "Hello, A!");
      const { ReqId } = await cliJson(["invoke", "-f", "teamA-hello", "-a", ...at], env);
      assert.equal((await cliJson(["poll", "-request", ReqId, "-wait", ...at], env)).Success, true);
      const names = await cliJson(["list", "-token", made.admin.Token, ...at], {
        SERVERLEDGE_TOKEN: "not-a-token",
      });
      assert.deepEqual(names, ["teamA-hello"]);
    });

    await t.step("a token that may not: the node's 403 message, exit 1", async () => {
      const env = { SERVERLEDGE_TOKEN: made.teamA.Token };
      const list = await cli(["list", ...at], env);
      assert.equal(list.code, 1);
      assert.equal(list.stderr, 'The token\'s role "invoke" may not list functions\n');
      const other = await cli(["invoke", "-f", "teamB-hello", ...at], env);
      assert.equal(other.code, 1);
      assert.equal(other.stderr, 'The token may only invoke functions matching "teamA-*"\n');
      const bogus = await cli(["status", ...at], { SERVERLEDGE_TOKEN: "not-a-token" });
      assert.equal(bogus.code, 1);
      assert.match(bogus.stderr, /^The token is not valid on this node/);
    });

    await Deno.remove(dir, { recursive: true });
  },
);

Deno.test(
  "serverledge-cli: create-workflow, invoke-workflow, list-workflows, delete-workflow on a real node",
  E2E,
  async (t) => {
    await using node = await startTestNode();
    const at = ["-host", "127.0.0.1", "-port", new URL(node.url).port];
    const dir = await Deno.makeTempDir({ prefix: "serverledge-cli-workflows-" });
    for (const [name, file] of [["wf-double", "double"], ["wf-hello", "hello"]]) {
      const run = await cli([
        "create",
        "-f",
        name,
        "-runtime",
        "python310",
        "-handler",
        `${file}.handler`,
        "-src",
        `examples/${file}.py`,
        ...at,
      ]);
      assert.equal(run.code, 0, run.stderr);
    }
    const definition = {
      StartAt: "Double",
      States: {
        Double: { Type: "Task", Resource: "wf-double", ResultPath: "$.double", Next: "Big?" },
        "Big?": {
          Type: "Choice",
          Choices: [{ Variable: "$.double.product", NumericGreaterThan: 10, Next: "Greet" }],
          Default: "Small",
        },
        Small: { Type: "Pass", Result: "small", End: true },
        Greet: { Type: "Task", Resource: "wf-hello", Parameters: { "name.$": "$.who" }, End: true },
      },
    };
    const file = `${dir}/pipeline.json`;
    await Deno.writeTextFile(file, JSON.stringify(definition, null, 2));
    const create = ["create-workflow", "-f", "pipeline", "-s", file, ...at];

    await t.step(
      "create-workflow -f NAME -s def.json; again: 409; -overwrite replaces",
      async () => {
        assert.deepEqual(await cliJson(create), { Created: "pipeline" });
        const again = await cli(create);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /pipeline/);
        assert.deepEqual(await cliJson([...create, "-overwrite"]), { Created: "pipeline" });
      },
    );

    await t.step(
      "create-workflow: the node's reason for a bad definition; a missing file",
      async () => {
        const bad = `${dir}/bad.json`;
        await Deno.writeTextFile(
          bad,
          JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Next: "Nowhere" } } }),
        );
        const refused = await cli(["create-workflow", "-f", "bad", "-s", bad, ...at]);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /"A".*Nowhere/);
        const missing = await cli([
          "create-workflow",
          "-f",
          "bad",
          "-s",
          `${dir}/nope.json`,
          ...at,
        ]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /^Cannot read definition file ".*nope\.json": /);
      },
    );

    await t.step("list-workflows", async () => {
      const list = await cliJson(["list-workflows", ...at]);
      assert.ok(JSON.stringify(list).includes("pipeline"), JSON.stringify(list));
    });

    await t.step(
      "invoke-workflow -p strings, QoS flags: the report with Result and Reports",
      async () => {
        const report = await cliJson([
          "invoke-workflow",
          "-f",
          "pipeline",
          "-p",
          "a:7",
          "-p",
          "b:3,who:CLI",
          "-c",
          "performance",
          "--resptime",
          "30",
          ...at,
        ]);
        assert.equal(report.Success, true, JSON.stringify(report));
        assert.equal(report.Result, "Hello, CLI!");
        assert.deepEqual(Object.keys(report.Reports).sort(), ["Double", "Greet"]);
        assert.equal(report.Reports.Double.Success, true);
      },
    );

    await t.step("invoke-workflow -j params.json takes the other branch", async () => {
      await Deno.writeTextFile(`${dir}/params.json`, JSON.stringify({ a: 1, b: 2 }));
      const report = await cliJson([
        "invoke-workflow",
        "-f",
        "pipeline",
        "-j",
        `${dir}/params.json`,
        ...at,
      ]);
      assert.equal(report.Result, "small");
      assert.deepEqual(Object.keys(report.Reports), ["Double"]);
    });

    await t.step("invoke-workflow -a answers the request id; poll -wait the report", async () => {
      const { ReqId } = await cliJson([
        "invoke-workflow",
        "-f",
        "pipeline",
        "-a",
        "-p",
        "a:5",
        "-p",
        "b:5",
        "-p",
        "who:Async",
        ...at,
      ]);
      assert.equal(typeof ReqId, "string");
      const report = await cliJson(["poll", "-request", ReqId, "-wait", ...at]);
      assert.equal(report.Success, true, JSON.stringify(report));
      assert.equal(report.Result, "Hello, Async!");
    });

    await t.step("usage errors: no -function, no -src: exit 2", async () => {
      const noName = await cli(["invoke-workflow", ...at]);
      assert.equal(noName.code, 2);
      assert.match(noName.stderr, /function/);
      const noSrc = await cli(["create-workflow", "-f", "x", ...at]);
      assert.equal(noSrc.code, 2);
      assert.match(noSrc.stderr, /src/);
    });

    await t.step("delete-workflow -f NAME, then it is gone", async () => {
      assert.deepEqual(await cliJson(["delete-workflow", "-f", "pipeline", ...at]), {
        Deleted: "pipeline",
      });
      assert.ok(!JSON.stringify(await cliJson(["list-workflows", ...at])).includes("pipeline"));
      const gone = await cli(["invoke-workflow", "-f", "pipeline", ...at]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /pipeline/);
    });
    await Deno.remove(dir, { recursive: true });
  },
);

/** This process's environment without `INIT_CWD`. */
function withoutInitCwd(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.INIT_CWD;
  return env;
}
