import assert from "node:assert/strict";
import { checkRequired, findCommand, type FlagSpec, parseFlags } from "./args.ts";
import { GLOBAL_FLAGS } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { UsageError } from "./errors.ts";

const SPECS: FlagSpec[] = [
  { name: "function", aliases: ["f"], kind: "string", help: "", required: true },
  { name: "param", aliases: ["p"], kind: "list", help: "" },
  { name: "memory", kind: "integer", help: "", default: 128 },
  { name: "cpu", aliases: ["cpus"], kind: "number", help: "" },
  { name: "async", aliases: ["a"], kind: "boolean", help: "" },
  { name: "return_output", aliases: ["o"], kind: "boolean", help: "" },
];

Deno.test("parseFlags reads single-dash, double-dash, '=' and short spellings alike", () => {
  for (
    const args of [
      ["-function", "hello", "-memory", "256", "-cpu", "0.5", "-async"],
      ["--function", "hello", "--memory", "256", "--cpus", "0.5", "--async"],
      ["--function=hello", "-memory=256", "--cpu=0.5", "-a"],
      ["-f", "hello", "-memory", "256", "-cpus", ".5", "-a=true"],
    ]
  ) {
    const flags = parseFlags(args, SPECS);
    assert.equal(flags.string("function"), "hello", args.join(" "));
    assert.equal(flags.number("memory"), 256);
    assert.equal(flags.number("cpu"), 0.5);
    assert.equal(flags.boolean("async"), true);
  }
});

Deno.test("parseFlags reads one-letter options as pflag does: glued values, grouped booleans", () => {
  const glued = parseFlags(["-fhello", "-p=a:1", "-pb:2", "-f/tmp/x=y"], SPECS);
  assert.equal(glued.string("function"), "/tmp/x=y");
  assert.deepEqual(glued.list("param"), ["a:1", "b:2"]);
  const grouped = parseFlags(["-ao"], SPECS);
  assert.equal(grouped.boolean("async"), true);
  assert.equal(grouped.boolean("return_output"), true);
  // The last letter of a group may take a value, glued or as the next argument.
  const last = parseFlags(["-oaf", "x", "-ap", "c:3"], SPECS);
  assert.equal(last.string("function"), "x");
  assert.deepEqual(last.list("param"), ["c:3"]);
  assert.equal(parseFlags(["-ofy"], SPECS).string("function"), "y");
  assert.equal(parseFlags(["-oa=false"], SPECS).boolean("async"), false);
  // A long name known as a whole is never split into letters.
  const whole: FlagSpec[] = [...SPECS, { name: "fast", kind: "boolean", help: "" }];
  assert.equal(parseFlags(["-fast"], whole).boolean("fast"), true);
  assert.equal(parseFlags(["-fast"], SPECS).string("function"), "ast");
});

Deno.test("parseFlags keeps up to the allowed number of bare words", () => {
  assert.deepEqual(parseFlags(["bash", "-a"], SPECS, { positionals: 1 }).positionals, ["bash"]);
  assert.deepEqual(parseFlags(["-a"], SPECS, { positionals: 1 }).positionals, []);
  assert.throws(
    () => parseFlags(["bash", "zsh"], SPECS, { positionals: 1 }),
    new UsageError('Unexpected argument "zsh"'),
  );
});

Deno.test("parseFlags keeps list values in order and the last value of other options", () => {
  const flags = parseFlags(["-p", "a:1", "-f", "x", "--param", "b:2", "-f", "y", "-p=c:3"], SPECS);
  assert.deepEqual(flags.list("param"), ["a:1", "b:2", "c:3"]);
  assert.equal(flags.string("function"), "y");
});

Deno.test("parseFlags takes the next argument as the value even when it starts with a dash", () => {
  const specs: FlagSpec[] = [{ name: "qosrespt", kind: "number", help: "" }];
  assert.equal(parseFlags(["-qosrespt", "-1"], specs).number("qosrespt"), -1);
});

Deno.test("parseFlags gives defaults for absent options and false for absent booleans", () => {
  const flags = parseFlags([], SPECS);
  assert.equal(flags.number("memory"), 128);
  assert.equal(flags.boolean("async"), false);
  assert.deepEqual(flags.list("param"), []);
  assert.equal(flags.has("memory"), false);
  assert.equal(flags.string("function"), undefined);
});

Deno.test("parseFlags reads Go's boolean spellings after '='", () => {
  assert.equal(parseFlags(["-async=false"], SPECS).boolean("async"), false);
  assert.equal(parseFlags(["-async=F"], SPECS).boolean("async"), false);
  assert.equal(parseFlags(["-async=1"], SPECS).boolean("async"), true);
});

Deno.test("parseFlags refuses what it cannot read, naming the option as typed", () => {
  const cases: [string[], string][] = [
    [["--bogus"], 'Unknown option "--bogus"'],
    [["-bogus=1"], 'Unknown option "-bogus"'],
    [["-f"], 'Option "-f" needs a value'],
    [["--memory", "lots"], 'Option "--memory" must be an integer, got "lots"'],
    [["-memory", "1.5"], 'Option "-memory" must be an integer, got "1.5"'],
    [["-cpu", "fast"], 'Option "-cpu" must be a number, got "fast"'],
    [["-async=maybe"], 'Option "-async" must be true or false, got "maybe"'],
    [["stray"], 'Unexpected argument "stray"'],
    [["-az"], 'Unknown option "-z" in "-az"'],
    [["-aof"], 'Option "-f" needs a value'],
    [["--fhello"], 'Unknown option "--fhello"'],
    [["-xyz"], 'Unknown option "-xyz"'],
    [["-pq", "-memoryx"], 'Unknown option "-memoryx"'],
    [["-f", "x", "-1"], 'Unexpected argument "-1"'],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseFlags(args, SPECS), (error: Error) => {
      assert.ok(error instanceof UsageError, args.join(" "));
      assert.equal(error.message, message);
      return true;
    });
  }
});

Deno.test("checkRequired names the first missing required option", () => {
  assert.throws(
    () => checkRequired(parseFlags(["-a"], SPECS), SPECS),
    new UsageError('Option "-function" is required'),
  );
  checkRequired(parseFlags(["-f", "x"], SPECS), SPECS);
});

Deno.test("findCommand takes -cmd anywhere, else the first bare word", () => {
  const all = [...GLOBAL_FLAGS, ...SPECS];
  assert.deepEqual(findCommand(["status", "-host", "h"], all), {
    name: "status",
    args: ["-host", "h"],
  });
  assert.deepEqual(findCommand(["-host", "h", "-port", "1", "-cmd", "create", "-f", "x"], all), {
    name: "create",
    args: ["-host", "h", "-port", "1", "-f", "x"],
  });
  assert.deepEqual(findCommand(["-f", "x", "--cmd=invoke"], all), {
    name: "invoke",
    args: ["-f", "x"],
  });
  // Values of options are not mistaken for the command word.
  assert.deepEqual(findCommand(["-H", "status", "-a", "invoke", "-f", "list"], all), {
    name: "invoke",
    args: ["-H", "status", "-a", "-f", "list"],
  });
  assert.deepEqual(findCommand(["-host", "h"], all), { name: undefined, args: ["-host", "h"] });
  // Global options before the command, in pflag's forms too.
  assert.deepEqual(findCommand(["-P", "1323", "help", "invoke"], all), {
    name: "help",
    args: ["-P", "1323", "invoke"],
  });
  assert.deepEqual(findCommand(["-vH", "h", "-P1323", "status", "-ao"], all), {
    name: "status",
    args: ["-vH", "h", "-P1323", "-ao"],
  });
  // An unknown option takes no value: the next word may be the command.
  assert.deepEqual(findCommand(["--bogus", "list"], all), { name: "list", args: ["--bogus"] });
});

Deno.test("findCommand leaves a bare word given besides -cmd for the command to refuse", () => {
  const found = findCommand(["-cmd", "status", "extra"], GLOBAL_FLAGS);
  assert.deepEqual(found, { name: "status", args: ["extra"] });
  assert.throws(() => parseFlags(found.args, GLOBAL_FLAGS), /Unexpected argument "extra"/);
  assert.throws(() => findCommand(["-cmd"], GLOBAL_FLAGS), /Option "-cmd" needs a value/);
});

Deno.test("every command's options are distinct from each other and from the global ones", () => {
  for (const command of COMMANDS) {
    parseFlags([], [...GLOBAL_FLAGS, ...command.flags]);
  }
  // Across commands a name may repeat, but never as a boolean in one and with a value in another.
  findCommand([], [...GLOBAL_FLAGS, ...COMMANDS.flatMap((c) => c.flags)]);
});
