/**
 * Command-line options as Serverledge users type them: Go-style single-dash long options
 * (`-function f`, the seed README's form), double-dash ones (`--function f`, `--function=f`,
 * today's Serverledge CLI) and the short letters of today's CLI (`-f f`). `node:util`'s
 * `parseArgs` cannot read single-dash long options, hence this small parser.
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
}

/** A parsed option value. */
export type FlagValue = string | number | boolean | string[];

/** The options given on a command line, read back by canonical name. */
export class Flags {
  readonly #specs: Map<string, FlagSpec>;
  readonly #values: Map<string, FlagValue>;

  /**
   * Wraps parsed values; use {@linkcode parseFlags} to make one.
   *
   * @param specs the options the command accepts
   * @param values given values by canonical name
   */
  constructor(specs: readonly FlagSpec[], values: Map<string, FlagValue>) {
    this.#specs = new Map(specs.map((spec) => [spec.name, spec]));
    this.#values = values;
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
 * the next argument or after `=`; a repeated non-list option keeps its last value. Throws a
 * {@linkcode UsageError} for unknown options, missing or malformed values and any positional
 * argument.
 *
 * @example
 * ```ts
 * const specs: FlagSpec[] = [
 *   { name: "function", aliases: ["f"], kind: "string", help: "Function name" },
 *   { name: "memory", kind: "integer", help: "Memory in MB" },
 * ];
 * const flags = parseFlags(["-f", "hello", "--memory=256"], specs);
 * flags.string("function"); // "hello"
 * ```
 */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): Flags {
  const index = indexSpecs(specs);
  const values = new Map<string, FlagValue>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    const flag = splitFlag(token);
    if (!flag) throw new UsageError(`Unexpected argument "${token}"`);
    const label = token.split("=")[0];
    const spec = index.get(flag.name);
    if (!spec) throw new UsageError(`Unknown option "${label}"`);
    if (spec.kind === "boolean") {
      values.set(spec.name, flag.inline === undefined ? true : parseBoolean(label, flag.inline));
      continue;
    }
    let text = flag.inline;
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
  return new Flags(specs, values);
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
    const flag = splitFlag(token);
    if (flag?.name === "cmd") {
      const value = flag.inline ?? args[++i];
      if (value === undefined) throw new UsageError(`Option "${token}" needs a value`);
      fromFlag = value;
    } else if (flag) {
      rest.push(token);
      const spec = index.get(flag.name);
      if (flag.inline === undefined && spec && spec.kind !== "boolean" && i + 1 < args.length) {
        rest.push(args[++i]);
      }
    } else if (fromWord === undefined) {
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

function splitFlag(token: string): { name: string; inline?: string } | undefined {
  const match = /^--?([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(token);
  return match ? { name: match[1], inline: match[2] } : undefined;
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
