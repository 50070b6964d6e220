/**
 * The shape of a CLI command and the options every command accepts.
 *
 * @module
 */
import type { Flags, FlagSpec } from "./args.ts";
import type { NodeClient } from "./client.ts";
import type { Output } from "./output.ts";

/** What a command runs with. */
export interface CommandContext {
  /** The parsed options (the command's and the global ones). */
  flags: Flags;
  /** Client of the node at `-host`/`-port`. */
  client: NodeClient;
  /** Where to print. */
  output: Output;
  /** Every command of the CLI (for `completion`). */
  commands: readonly Command[];
  /** The directory relative paths (`-src`, `-params_file`) are read from. */
  cwd: string;
}

/** A bare word a command takes, required when declared. */
export interface ArgumentSpec {
  /** Its placeholder in messages, e.g. `shell`. */
  value: string;
  /** The words it may be. */
  choices: readonly string[];
}

/** One `serverledge-cli` command. */
export interface Command {
  /** The word that names it (`invoke`). */
  name: string;
  /** One-line description, sentence case. */
  summary: string;
  /** Its options after the command word, for the usage line (`-function <name> [options]`). */
  usage: string;
  /** Options of its own (the global ones are added). */
  flags: readonly FlagSpec[];
  /** The one bare word it takes after its name, if any (`bash` in `completion bash`). */
  argument?: ArgumentSpec;
  /** Does the work; throws a `UsageError` or a `CliError` on failure. */
  run(context: CommandContext): Promise<void>;
}

/** Options every command accepts. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: "host",
    aliases: ["H"],
    kind: "string",
    value: "host",
    help: "host of the node (else $SERVERLEDGE_HOST, else 127.0.0.1)",
  },
  {
    name: "port",
    aliases: ["P"],
    kind: "string",
    value: "port",
    help: "port of the node (else $SERVERLEDGE_PORT, else 1323)",
  },
  {
    name: "token",
    kind: "string",
    value: "token",
    help: "token sent as Authorization: Bearer (else $SERVERLEDGE_TOKEN)",
  },
  { name: "json", kind: "boolean", help: "print the node's answer as one line of raw JSON" },
  { name: "verbose", aliases: ["v"], kind: "boolean", help: "print each HTTP request on stderr" },
  { name: "help", aliases: ["h"], kind: "boolean", help: "show this help" },
];

/** The `-function` option, shared by the commands that name a function. */
export const FUNCTION_FLAG: FlagSpec = {
  name: "function",
  aliases: ["f"],
  kind: "string",
  value: "name",
  help: "name of the function",
  required: true,
};
