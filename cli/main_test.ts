import assert from "node:assert/strict";
import { runCaptured as run } from "./captured_run.ts";

/** A 127.0.0.1 port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("help is printed on stdout with exit code 0, for every command and form", async () => {
  for (const args of [["-h"], ["--help"], ["help"], ["-cmd", "help"]]) {
    const { code, stdout, stderr } = await run(args);
    assert.equal(code, 0, args.join(" "));
    assert.match(stdout, /^Usage: serverledge-cli <command> \[options\]/);
    assert.match(stdout, /\n {2}prewarm +Starts warm containers of a function\n/);
    assert.equal(stderr, "");
  }
  for (
    const name of [
      "create",
      "update",
      "delete",
      "list",
      "invoke",
      "poll",
      "prewarm",
      "create-workflow",
      "invoke-workflow",
      "list-workflows",
      "delete-workflow",
      "status",
      "completion",
    ]
  ) {
    for (
      const args of [
        [name, "-h"],
        ["-cmd", name, "--help"],
        ["help", name],
        ["-P", "1323", "help", name],
        ["-vH", "127.0.0.1", name, "-h"],
      ]
    ) {
      const { code, stdout } = await run(args);
      assert.equal(code, 0, args.join(" "));
      assert.match(stdout, new RegExp(`^Usage: serverledge-cli ${name} `));
      assert.match(stdout, /\nGlobal options:\n {2}-host, -H <host>/);
    }
  }
});

Deno.test("a wrong command line prints the message and the usage on stderr, exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [[], /^No command given\n\nUsage: serverledge-cli <command>/],
    [["deploy"], /^Unknown command "deploy"\n\nUsage: serverledge-cli <command>/],
    [["help", "deploy"], /^Unknown command "deploy"\n\nUsage: serverledge-cli <command>/],
    [
      ["invoke", "-f", "x", "--bogus"],
      /^Unknown option "--bogus"\n\nUsage: serverledge-cli invoke /,
    ],
    [
      ["-cmd", "create", "-f", "x"],
      /^Option "-runtime" is required\n\nUsage: serverledge-cli create /,
    ],
    [["invoke"], /^Option "-function" is required\n\nUsage: serverledge-cli invoke /],
    [["poll"], /^Option "-request" is required\n\nUsage: serverledge-cli poll /],
    [["prewarm", "-f", "x", "-c", "many"], /^Option "-c" must be an integer, got "many"\n/],
    [["invoke", "-f", "x", "-p", "a"], /^Parameter "a" must be written name:value\n\nUsage: /],
    [["invoke", "-f", "x", "-param_json", "n:Edge"], /^Parameter "n:Edge" of -param_json must /],
    [["invoke", "-f", "x", "-p", "n:1", "-param_json", "n:1"], /^Parameter "n" is given by both/],
    [["invoke", "-f", "x", "-qosclass", "urgent"], /^QoS class "urgent" is unknown/],
    [["status", "-port", "http"], /^Option "-port" must be a port number from 1 to 65535/],
    [["poll", "-request", "x", "-timeout", "5"], /^Option "-timeout" needs -wait and a number/],
    [["status", "extra"], /^Unexpected argument "extra"\n\nUsage: serverledge-cli status /],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await run(args);
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, message);
    assert.equal(stdout, "");
  }
});

Deno.test("a bad SERVERLEDGE_PORT is a usage error naming the variable", async () => {
  const { code, stderr } = await run(["status"], { SERVERLEDGE_PORT: "abc" });
  assert.equal(code, 2);
  assert.match(stderr, /^Environment variable SERVERLEDGE_PORT must be a port number/);
});

Deno.test("an unreachable node is one line naming host and port, exit code 1", async () => {
  const port = closedPort();
  for (
    const [args, vars] of [
      [["status", "-host", "127.0.0.1", "-port", String(port)], {}],
      [["list"], { SERVERLEDGE_HOST: "127.0.0.1", SERVERLEDGE_PORT: String(port) }],
    ] as const
  ) {
    const { code, stdout, stderr } = await run([...args], vars);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(stderr, `Cannot reach the node at 127.0.0.1:${port}: connection refused\n`);
  }
});

Deno.test("`deno task cli -- <args>` works: a leading -- is dropped", async () => {
  const { code, stdout } = await run(["--", "status", "-h"]);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: serverledge-cli status /);
});

Deno.test("a missing -src is refused before anything is sent", async () => {
  const { code, stderr } = await run(
    ["create", "-f", "x", "-runtime", "python310", "-handler", "x.h", "-src", "no/such.py"],
    { SERVERLEDGE_PORT: String(closedPort()) },
  );
  assert.equal(code, 1);
  assert.equal(stderr, 'Cannot read source "no/such.py": no such file or directory\n');
});
