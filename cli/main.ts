/**
 * `serverledge-cli`: the command-line client of a Serverledge node, wire-compatible with
 * Serverledge's own (`serverledge-cli -cmd invoke -function f -param a:2`, or
 * `serverledge-cli invoke -f f -p a:2`). Exit codes: 0 done, 1 the node is unreachable or
 * refused the request, 2 the command line is wrong.
 *
 * @module
 */
import { checkRequired, findCommand, type FlagSpec, parseFlags } from "./args.ts";
import { resolveAddress } from "./address.ts";
import { NodeClient } from "./client.ts";
import { type Command, GLOBAL_FLAGS } from "./command.ts";
import { COMMANDS, findCommandByName } from "./commands.ts";
import { ApiError } from "../protocol/error.ts";
import { CliError, UsageError } from "./errors.ts";
import { Output, type Terminal } from "./output.ts";
import { commandUsage, generalUsage } from "./usage.ts";

/** Where the CLI reads its environment and writes its output. */
export interface CliEnvironment extends Terminal {
  /** Reads an environment variable (`SERVERLEDGE_HOST`, `_PORT`, `_TOKEN`). */
  env(name: string): string | undefined;
  /** The directory the user ran the command in: relative paths are read from it. */
  cwd: string;
}

const ALL_FLAGS: readonly FlagSpec[] = [...GLOBAL_FLAGS, ...COMMANDS.flatMap((c) => c.flags)];

/**
 * Runs the CLI on `args` and resolves its exit code: 0 done, 1 failed (node unreachable, API
 * error, unreadable file), 2 wrong command line (the usage is printed on stderr).
 *
 * @example
 * ```ts
 * Deno.exit(await runCli(["status", "-port", "1323"], denoEnvironment()));
 * ```
 */
export async function runCli(
  args: readonly string[],
  environment: CliEnvironment,
): Promise<number> {
  // `deno task cli -- <args>` passes the `--` through.
  const line = args[0] === "--" ? args.slice(1) : args;
  let command: Command | undefined;
  try {
    const found = findCommand(line, ALL_FLAGS);
    if (found.name === "help") return help(found.args, environment);
    if (found.name === undefined) {
      if (parseFlags(found.args, GLOBAL_FLAGS).boolean("help")) {
        environment.stdout(generalUsage() + "\n");
        return 0;
      }
      throw new UsageError("No command given");
    }
    command = findCommandByName(found.name);
    if (!command) throw new UsageError(`Unknown command "${found.name}"`);
    const flags = parseFlags(found.args, [...GLOBAL_FLAGS, ...command.flags], {
      positionals: command.argument ? 1 : 0,
    });
    if (flags.boolean("help")) {
      environment.stdout(commandUsage(command) + "\n");
      return 0;
    }
    checkRequired(flags, command.flags);
    checkArgument(flags.positionals[0], command);
    const address = resolveAddress(
      { host: flags.string("host"), port: flags.string("port") },
      environment.env,
    );
    const log = flags.boolean("verbose")
      ? (text: string) => environment.stderr(text + "\n")
      : undefined;
    const token = flags.string("token") || environment.env("SERVERLEDGE_TOKEN") || undefined;
    await command.run({
      flags,
      client: new NodeClient(address, { log, token }),
      output: new Output(environment, { json: flags.boolean("json") }),
      cwd: environment.cwd,
      commands: COMMANDS,
    });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = command ? commandUsage(command) : generalUsage();
      environment.stderr(`${error.message}\n\n${usage}\n`);
      return 2;
    }
    if (error instanceof CliError || error instanceof ApiError) {
      environment.stderr(error.message + "\n");
      return 1;
    }
    throw error;
  }
}

function checkArgument(word: string | undefined, command: Command): void {
  const argument = command.argument;
  if (!argument || (word !== undefined && argument.choices.includes(word))) return;
  const choices = argument.choices.join(", ");
  throw new UsageError(
    word === undefined
      ? `Give the ${argument.value}: one of ${choices}`
      : `The ${argument.value} must be one of ${choices}, got "${word}"`,
  );
}

function help(args: string[], environment: CliEnvironment): number {
  // Global options may come before and after `help`: `-P 1323 help invoke`.
  const name = findCommand(args, ALL_FLAGS).name;
  const command = name === undefined ? undefined : findCommandByName(name);
  if (name !== undefined && !command) {
    environment.stderr(`Unknown command "${name}"\n\n${generalUsage()}\n`);
    return 2;
  }
  environment.stdout((command ? commandUsage(command) : generalUsage()) + "\n");
  return 0;
}

/**
 * The real process: standard output and error, the environment variables it may read, and the
 * user's directory. `deno task cli` runs in the project root, so there the user's directory is
 * `INIT_CWD`, which Deno sets for tasks and only that task is allowed to read; the compiled and
 * installed programs are not allowed to, and use their own working directory.
 */
export function denoEnvironment(): CliEnvironment {
  const encoder = new TextEncoder();
  const write = (file: typeof Deno.stdout, text: string) => {
    const bytes = encoder.encode(text);
    for (let written = 0; written < bytes.length;) {
      written += file.writeSync(bytes.subarray(written));
    }
  };
  const env = (name: string) => {
    const permission = Deno.permissions.querySync({ name: "env", variable: name });
    return permission.state === "granted" ? Deno.env.get(name) : undefined;
  };
  return {
    stdout: (text) => write(Deno.stdout, text),
    stderr: (text) => write(Deno.stderr, text),
    interactive: Deno.stderr.isTerminal(),
    stdoutTerminal: Deno.stdout.isTerminal(),
    env,
    cwd: env("INIT_CWD") || Deno.cwd(),
  };
}

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, denoEnvironment()));
}
