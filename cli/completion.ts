/**
 * `serverledge-cli completion bash|zsh|fish`: a shell completion script, as the `completion`
 * command of Serverledge's CLI (cobra) prints one. The scripts are written from the command
 * table, so a new command or option completes without touching this file.
 *
 * @module
 */
import type { FlagSpec } from "./args.ts";
import { type Command, GLOBAL_FLAGS } from "./command.ts";

/** The shells a completion script is written for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** A shell a completion script is written for. */
export type Shell = typeof SHELLS[number];

/** The program the scripts complete. */
const PROGRAM = "serverledge-cli";

/** A word completed in place of a command: `help` is handled by the CLI itself. */
const HELP = { name: "help", summary: "Shows the help of a command" };

/** The `completion` command. */
export const completionCommand: Command = {
  name: "completion",
  summary: "Prints a shell completion script: bash, zsh or fish",
  usage: "bash|zsh|fish",
  flags: [],
  argument: { value: "shell", choices: SHELLS },
  run({ flags, commands, output }) {
    output.text(completionScript(flags.positionals[0] as Shell, commands));
    return Promise.resolve();
  },
};

/**
 * The completion script of `shell` for `commands`: command words, each command's options and
 * the global ones, file names after options that take a file, and the fixed values of options
 * and arguments that have them.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./commands.ts";
 * const script = completionScript("bash", COMMANDS); // for `source <(serverledge-cli completion bash)`
 * ```
 */
export function completionScript(shell: Shell, commands: readonly Command[]): string {
  const table = new CompletionTable(commands);
  if (shell === "bash") return bashScript(table);
  if (shell === "zsh") return zshScript(table);
  return fishScript(table);
}

/** What the scripts complete, read from the command table. */
class CompletionTable {
  readonly commands: readonly Command[];
  /** Every option of every command and the global ones, by canonical name. */
  readonly flags: readonly FlagSpec[];

  constructor(commands: readonly Command[]) {
    this.commands = commands;
    const byName = new Map<string, FlagSpec>();
    for (const spec of [...GLOBAL_FLAGS, ...commands.flatMap((c) => c.flags)]) {
      byName.set(spec.name, spec);
    }
    this.flags = [...byName.values()];
  }

  /** The command words with their summaries, `help` included. */
  get words(): { name: string; summary: string }[] {
    return [...this.commands, HELP];
  }

  /** The spellings offered for an option: `--name`, `--alias` and one-letter `-x`. */
  spellings(spec: FlagSpec): string[] {
    return [spec.name, ...(spec.aliases ?? [])].map((n) => n.length === 1 ? `-${n}` : `--${n}`);
  }

  /** The spellings of `specs` before a value, as a shell pattern: `-f|-function|--function`. */
  pattern(specs: readonly FlagSpec[]): string {
    return specs.flatMap((spec) => [spec.name, ...(spec.aliases ?? [])])
      .flatMap((n) => n.length === 1 ? [`-${n}`] : [`-${n}`, `--${n}`]).join("|");
  }

  /** The options of `command` (its own and the global ones) that take a value, by what completes it. */
  valueFlags(command?: Command): { files: FlagSpec[]; choices: FlagSpec[]; other: FlagSpec[] } {
    const taking = flagsOf(command).filter((s) => s.kind !== "boolean");
    return {
      files: taking.filter((spec) => spec.complete === "files"),
      choices: taking.filter((spec) => Array.isArray(spec.complete)),
      other: taking.filter((spec) => spec.complete === undefined),
    };
  }

  /** Every spelling, across all commands, of an option that takes a value, as a pattern. */
  valuedPattern(): string {
    return this.pattern(this.flags.filter((spec) => spec.kind !== "boolean"));
  }

  /** The option words of `command` (its own and the global ones). */
  optionWords(command?: Command): string[] {
    return flagsOf(command).flatMap((spec) => this.spellings(spec));
  }
}

/** The options of `command` (none when there is no command yet) and the global ones. */
function flagsOf(command: Command | undefined): FlagSpec[] {
  return [...GLOBAL_FLAGS, ...(command?.flags ?? [])];
}

function bashScript(table: CompletionTable): string {
  const commandWords = table.words.map((w) => w.name).join(" ");
  /** The lines of one command's branch: its option values, else its options or `words`. */
  const branch = (label: string, command: Command | undefined, words: string) => {
    const { files, choices, other } = table.valueFlags(command);
    return [
      `    ${label})`,
      '      case "$prev" in',
      ...(files.length
        ? [`        ${table.pattern(files)}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`]
        : []),
      ...choices.map((spec) =>
        `        ${table.pattern([spec])}) words="${(spec.complete as string[]).join(" ")}" ;;`
      ),
      ...(other.length ? [`        ${table.pattern(other)}) COMPREPLY=(); return ;;`] : []),
      `        *) [[ $cur == -* ]] && words="${
        table.optionWords(command).join(" ")
      }" || words="${words}" ;;`,
      "      esac ;;",
    ];
  };
  return [
    `# bash completion for ${PROGRAM}: source <(${PROGRAM} completion bash)`,
    "_serverledge_cli() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local command="" words="" i',
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    '    case "${COMP_WORDS[i]}" in',
    `      ${table.valuedPattern()}) ((i++)) ;;`,
    "      -*) ;;",
    '      *) command="${COMP_WORDS[i]}"; break ;;',
    "    esac",
    "  done",
    '  case "$command" in',
    ...branch('""|help', undefined, commandWords),
    ...table.commands.flatMap((command) =>
      branch(command.name, command, command.argument?.choices.join(" ") ?? "")
    ),
    "  esac",
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    "}",
    `complete -F _serverledge_cli ${PROGRAM}`,
  ].join("\n");
}

function zshScript(table: CompletionTable): string {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const described = table.words.map((w) => quote(`${w.name}:${w.summary}`)).join(" ");
  /** The lines of one command's branch: its option values, else its options or `words`. */
  const branch = (label: string, command: Command | undefined, words: string) => {
    const { files, choices, other } = table.valueFlags(command);
    return [
      `    (${label})`,
      "      case $prev in",
      ...(files.length ? [`        (${table.pattern(files)}) _files ;;`] : []),
      ...choices.map((spec) =>
        `        (${table.pattern([spec])}) compadd -- ${(spec.complete as string[]).join(" ")} ;;`
      ),
      ...(other.length ? [`        (${table.pattern(other)}) ;;`] : []),
      `        (*) if [[ $cur == -* ]]; then compadd -- ${
        table.optionWords(command).join(" ")
      }; else ${words}; fi ;;`,
      "      esac ;;",
    ];
  };
  return [
    `#compdef ${PROGRAM}`,
    `# zsh completion for ${PROGRAM}: source <(${PROGRAM} completion zsh), after compinit`,
    "_serverledge_cli() {",
    "  local cur=${words[CURRENT]} prev=${words[CURRENT-1]} command= i",
    `  local -a subcommands=(${described})`,
    "  for (( i = 2; i < CURRENT; i++ )); do",
    "    case ${words[i]} in",
    `      (${table.valuedPattern()}) (( i++ )) ;;`,
    "      (-*) ;;",
    "      (*) command=${words[i]}; break ;;",
    "    esac",
    "  done",
    "  case $command in",
    ...branch("''|help", undefined, "_describe command subcommands"),
    ...table.commands.flatMap((command) =>
      branch(
        command.name,
        command,
        command.argument ? `compadd -- ${command.argument.choices.join(" ")}` : ":",
      )
    ),
    "  esac",
    "}",
    'if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then _serverledge_cli "$@";',
    `else compdef _serverledge_cli ${PROGRAM}; fi`,
  ].join("\n");
}

function fishScript(table: CompletionTable): string {
  const quote = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const names = table.words.map((w) => w.name).join(" ");
  const option = (spec: FlagSpec, condition?: string) => {
    const names = [spec.name, ...(spec.aliases ?? [])]
      .map((n) => n.length === 1 ? `-s ${n}` : `-l ${n}`).join(" ");
    const value = spec.kind === "boolean"
      ? ""
      : spec.complete === "files"
      ? " -r -F"
      : Array.isArray(spec.complete)
      ? ` -x -a ${quote(spec.complete.join(" "))}`
      : " -x";
    const when = condition ? ` -n ${quote(condition)}` : "";
    return `complete -c ${PROGRAM}${when} ${names}${value} -d ${quote(spec.help)}`;
  };
  return [
    `# fish completion for ${PROGRAM}: ${PROGRAM} completion fish | source`,
    `complete -c ${PROGRAM} -f`,
    ...table.words.map((w) =>
      `complete -c ${PROGRAM} -n ${
        quote(`not __fish_seen_subcommand_from ${names}`)
      } -a ${w.name} -d ${quote(w.summary)}`
    ),
    `complete -c ${PROGRAM} -n ${quote("__fish_seen_subcommand_from help")} -a ${quote(names)}`,
    ...GLOBAL_FLAGS.map((spec) => option(spec)),
    ...table.commands.flatMap((command) => {
      const condition = `__fish_seen_subcommand_from ${command.name}`;
      const argument = command.argument?.choices
        ? [
          `complete -c ${PROGRAM} -n ${quote(condition)} -a ${
            quote(command.argument.choices.join(" "))
          }`,
        ]
        : [];
      return [...argument, ...command.flags.map((spec) => option(spec, condition))];
    }),
  ].join("\n");
}
