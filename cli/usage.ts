/**
 * The CLI's help texts: the overview of every command, and the usage of one command with its
 * options and the global ones.
 *
 * @module
 */
import type { FlagSpec } from "./args.ts";
import { type Command, GLOBAL_FLAGS } from "./command.ts";
import { COMMANDS } from "./commands.ts";

/** The program's name, as the help shows it. */
export const PROGRAM = "serverledge-cli";

const SPELLING = "Options take one dash or two: -function f, --function f, --function=f; " +
  "letters as -f f, -fhello, and grouped, -ao.";

/** The overview: usage line, every command with its summary, how to get a command's help. */
export function generalUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    `       ${PROGRAM} -cmd <command> [options]`,
    "",
    "Command-line client of a Serverledge node.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${"help".padEnd(width)}Shows the help of a command: help <command>`,
    "",
    "Global options:",
    ...flagLines(GLOBAL_FLAGS),
    "",
    SPELLING,
    `Run "${PROGRAM} <command> -h" for the options of a command.`,
  ].join("\n");
}

/** The usage of `command`: usage line, summary, its options, the global options. */
export function commandUsage(command: Command): string {
  const lines = [
    `Usage: ${PROGRAM} ${command.name} ${command.usage}`,
    `       ${PROGRAM} -cmd ${command.name} ${command.usage}`,
    "",
    `${command.summary}.`,
    "",
  ];
  if (command.flags.length > 0) lines.push("Options:", ...flagLines(command.flags), "");
  lines.push("Global options:", ...flagLines(GLOBAL_FLAGS), "", SPELLING);
  return lines.join("\n");
}

function flagLines(specs: readonly FlagSpec[]): string[] {
  const heads = specs.map((spec) =>
    [spec.name, ...(spec.aliases ?? [])].map((name) => `-${name}`).join(", ") +
    (spec.kind === "boolean" ? "" : ` <${spec.value ?? "value"}>`)
  );
  const width = Math.max(...heads.map((head) => head.length)) + 2;
  return specs.map((spec, i) => {
    const notes = [
      spec.kind === "list" ? "repeatable" : undefined,
      spec.required ? "required" : undefined,
      spec.default !== undefined ? `default ${spec.default}` : undefined,
    ].filter(Boolean);
    return `  ${heads[i].padEnd(width)}${spec.help}${notes.length ? ` (${notes.join(", ")})` : ""}`;
  });
}
