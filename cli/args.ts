/**
 * Command-line options as Serverledge users type them: Go-style single-dash long options
 * (`-function f`, the seed README's form), and what today's Serverledge CLI (cobra/pflag) reads:
 * double-dash ones (`--function f`, `--function=f`), short letters (`-f f`, `-f=f`), a value
 * glued to its letter (`-fhello`) and grouped boolean letters (`-ao`). `node:util`'s `parseArgs`
 * cannot read single-dash long options, hence this small parser.
 *
 * @module
 */
import { UsageError } from "./errors.ts";

/** How an option's value is read. */
export type FlagKind = "string" | "integer" | "number" | "boolean" | "list";

/** One option a command accepts. */
export interface FlagSpec {
  /** Canonical name, written `-name` or `--name`. */
  name: string;
  /** Other names accepted for it (Serverledge CLI spellings, short letters). */
  aliases?: readonly string[];
  /** How its value is read: `list` options may be repeated, `boolean` ones take no value. */
  kind: FlagKind;
  /** Placeholder of the value in the help, e.g. `name`. */
  value?: string;
  /** One-line description for the help. */
  help: string;
  /** Whether the command cannot run without it. @default false */
  required?: boolean;
  /** Value used when the option is absent. */
  default?: string | number | boolean;
  /** What shell completion offers as its value: file names, or these words. */
  complete?: "files" | readonly string[];
}

/** A parsed option value. */
export type FlagValue = string | number | boolean | string[];

/** The options given on a command line, read back by canonical name. */
export class Flags {
  readonly #specs: Map<string, FlagSpec>;
  readonly #values: Map<string, FlagValue>;
  /** The bare words given besides the options (`bash` in `completion bash`), in order. */
  readonly positionals: readonly string[];

  /**
   * Wraps parsed values; use {@linkcode parseFlags} to make one.
   *
   * @param specs the options the command accepts
   * @param values given values by canonical name
   * @param positionals the bare words given
   */
  constructor(
    specs: readonly FlagSpec[],
    values: Map<string, FlagValue>,
    positionals: readonly string[] = [],
  ) {
    this.#specs = new Map(specs.map((spec) => [spec.name, spec]));
    this.#values = values;
    this.positionals = positionals;
  }

  /** Whether the option was given. */
  has(name: string): boolean {
    this.#spec(name);
    return this.#values.has(name);
  }

  /** A `string` option's value, or its default. */
  string(name: string): string | undefined {
    return this.#read(name, ["string"]) as string | undefined;
  }

  /** An `integer` or `number` option's value, or its default. */
  number(name: string): number | undefined {
    return this.#read(name, ["integer", "number"]) as number | undefined;
  }

  /** A `boolean` option's value (false when absent). */
  boolean(name: string): boolean {
    return (this.#read(name, ["boolean"]) as boolean | undefined) ?? false;
  }

  /** A `list` option's values, in the order given. */
  list(name: string): string[] {
    return (this.#read(name, ["list"]) as string[] | undefined) ?? [];
  }

  #read(name: string, kinds: FlagKind[]): FlagValue | undefined {
    const spec = this.#spec(name);
    if (!kinds.includes(spec.kind)) {
      throw new TypeError(`Option "${name}" is a ${spec.kind} option, not ${kinds.join(" or ")}`);
    }
    return this.#values.get(name) ?? spec.default;
  }

  #spec(name: string): FlagSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw new TypeError(`Option "${name}" is not declared`);
    return spec;
  }
}

/** How an option is written in messages and help: `-name`. */
export function flagLabel(spec: FlagSpec): string {
  return `-${spec.name}`;
}

/**
 * Reads `args` against `specs`. Options may be written with one dash or two, with the value as
 * the next argument or after `=`; one-letter names also as pflag reads them: the value glued
 * (`-fhello`) and boolean letters grouped (`-ao`; the last letter may take a value: `-af x`). A
 * repeated non-list option keeps its last value. Up to `options.positionals` bare words are
 * kept (see {@linkcode Flags.positionals}). Throws a {@linkcode UsageError} for unknown options,
 * missing or malformed values and any further bare word.
 *
 * @example
 * ```ts
 * const specs: FlagSpec[] = [
 *   { name: "function", aliases: ["f"], kind: "string", help: "Function name" },
 *   { name: "memory", kind: "integer", help: "Memory in MB" },
 * ];
 * const flags = parseFlags(["-fhello", "--memory=256"], specs);
 * flags.string("function"); // "hello"
 * ```
 */
export function parseFlags(
  args: readonly string[],
  specs: readonly FlagSpec[],
  options: { positionals?: number } = {},
): Flags {
  const index = indexSpecs(specs);
  const values = new Map<string, FlagValue>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    const uses = readOption(token, index);
    if (!uses) {
      if (positionals.length >= (options.positionals ?? 0)) {
        throw new UsageError(`Unexpected argument "${token}"`);
      }
      positionals.push(token);
      continue;
    }
    for (const { spec, label, inline } of uses) {
      if (spec.kind === "boolean") {
        values.set(spec.name, inline === undefined ? true : parseBoolean(label, inline));
        continue;
      }
      let text = inline;
      if (text === undefined) {
        if (i + 1 >= args.length) throw new UsageError(`Option "${label}" needs a value`);
        text = args[++i];
      }
      if (spec.kind === "list") {
        values.set(spec.name, [...((values.get(spec.name) as string[]) ?? []), text]);
      } else {
        values.set(spec.name, parseValue(spec, label, text));
      }
    }
  }
  return new Flags(specs, values, positionals);
}

/** Throws a {@linkcode UsageError} naming the first required option of `specs` not given. */
export function checkRequired(flags: Flags, specs: readonly FlagSpec[]): void {
  const missing = specs.find((spec) => spec.required && !flags.has(spec.name));
  if (missing) throw new UsageError(`Option "${flagLabel(missing)}" is required`);
}

/** Where the command was named on a command line, and the arguments left for its options. */
export interface CommandLine {
  /** The command (`-cmd X` anywhere, else the first bare word), if any. */
  name?: string;
  /** The other arguments, in order. */
  args: string[];
}

/**
 * Finds the command in `args`: the value of `-cmd` (Serverledge's seed form, anywhere on the
 * line), else the first argument that is neither an option nor an option's value. `specs` are
 * all the options of every command, used to know which options take a value.
 *
 * @example
 * ```ts
 * const specs: FlagSpec[] = [{ name: "host", kind: "string", help: "Node host" }];
 * findCommand(["-host", "127.0.0.1", "-cmd", "status"], specs);
 * // { name: "status", args: ["-host", "127.0.0.1"] }
 * ```
 */
export function findCommand(args: readonly string[], specs: readonly FlagSpec[]): CommandLine {
  const index = indexSpecs(specs, { allowDuplicates: true });
  const rest: string[] = [];
  let fromFlag: string | undefined;
  let fromWord: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    const command = /^--?cmd(?:=([\s\S]*))?$/.exec(token);
    if (command) {
      const value = command[1] ?? args[++i];
      if (value === undefined) throw new UsageError(`Option "${token}" needs a value`);
      fromFlag = value;
      continue;
    }
    const uses = readKnownOption(token, index);
    if (uses) {
      rest.push(token);
      const last = uses[uses.length - 1];
      if (last.inline === undefined && last.spec.kind !== "boolean" && i + 1 < args.length) {
        rest.push(args[++i]);
      }
    } else if (fromWord === undefined && !token.startsWith("-")) {
      fromWord = token;
    } else {
      rest.push(token);
    }
  }
  if (fromFlag !== undefined && fromWord !== undefined) rest.unshift(fromWord);
  return { name: fromFlag ?? fromWord, args: rest };
}

function indexSpecs(
  specs: readonly FlagSpec[],
  options: { allowDuplicates?: boolean } = {},
): Map<string, FlagSpec> {
  const index = new Map<string, FlagSpec>();
  for (const spec of specs) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      const known = index.get(name);
      if (
        known &&
        (!options.allowDuplicates || (known.kind === "boolean") !== (spec.kind === "boolean"))
      ) {
        throw new TypeError(`Option name "${name}" is declared twice`);
      }
      index.set(name, spec);
    }
  }
  return index;
}

/** One option read from a token: `-ao` gives two. */
interface OptionUse {
  spec: FlagSpec;
  /** The option as typed, for messages: `--function`, `-f`. */
  label: string;
  /** The value written in the token itself (`--f=x`, `-fx`), if any. */
  inline?: string;
}

/**
 * Reads one command-line token as options, or answers undefined for a bare word (one that does
 * not start with a dash and a letter). A name known as a whole wins (`-function`, `--cpus=1`);
 * else a single-dash token is read as pflag reads one-letter names: booleans may be grouped,
 * and the first letter that takes a value takes the rest of the token (after an optional `=`)
 * or, when nothing is left, the next argument. Throws a {@linkcode UsageError} for an unknown
 * option.
 */
function readOption(token: string, index: Map<string, FlagSpec>): OptionUse[] | undefined {
  const whole = /^(--?)([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(token);
  const known = whole && index.get(whole[2]);
  if (whole && known) return [{ spec: known, label: whole[1] + whole[2], inline: whole[3] }];
  if (!/^--?[A-Za-z]/.test(token)) return undefined;
  if (token.startsWith("--") || !isLetter(token[1], index)) {
    throw new UsageError(`Unknown option "${token.split("=")[0]}"`);
  }
  const uses: OptionUse[] = [];
  for (let at = 1; at < token.length; at++) {
    const letter = token[at];
    if (!isLetter(letter, index)) {
      throw new UsageError(`Unknown option "-${letter}" in "${token}"`);
    }
    const spec = index.get(letter)!;
    const rest = token.slice(at + 1);
    if (spec.kind !== "boolean" || rest.startsWith("=")) {
      const inline = rest.startsWith("=") ? rest.slice(1) : rest || undefined;
      uses.push({ spec, label: `-${letter}`, inline });
      break;
    }
    uses.push({ spec, label: `-${letter}` });
  }
  return uses;
}

/** {@linkcode readOption}, answering undefined for an unknown option too. */
function readKnownOption(token: string, index: Map<string, FlagSpec>): OptionUse[] | undefined {
  try {
    return readOption(token, index);
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
}

function isLetter(letter: string, index: Map<string, FlagSpec>): boolean {
  return /^[A-Za-z]$/.test(letter) && index.has(letter);
}

function parseValue(spec: FlagSpec, label: string, text: string): FlagValue {
  if (spec.kind === "integer") {
    if (!/^[+-]?\d+$/.test(text.trim())) {
      throw new UsageError(`Option "${label}" must be an integer, got "${text}"`);
    }
    return Number(text);
  }
  if (spec.kind === "number") {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) {
      throw new UsageError(`Option "${label}" must be a number, got "${text}"`);
    }
    return value;
  }
  return text;
}

function parseBoolean(label: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (["true", "t", "1"].includes(lower)) return true;
  if (["false", "f", "0"].includes(lower)) return false;
  throw new UsageError(`Option "${label}" must be true or false, got "${text}"`);
}
