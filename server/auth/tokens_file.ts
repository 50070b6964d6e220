/**
 * The tokens file named by `auth.tokens.file`, read at start and looked at every second: a
 * change is in force within two looks, so tokens can be added and revoked without a restart. A file that is broken at start stops the
 * node (the message names the line); a file that becomes broken later is logged and the last
 * good tokens stay in force.
 *
 * @example
 * ```ts
 * import { TokensFile } from "./tokens_file.ts";
 *
 * using tokens = await TokensFile.open("/etc/serverledge/tokens", { log: console.log });
 * console.log(tokens.find("a token a client sent")?.role);
 * ```
 *
 * @module
 */
import { ConfigError, errorText } from "../config/error.ts";
import { type TokenEntry, TokenTable } from "./token_table.ts";

/** Options of {@linkcode TokensFile.open}. */
export interface TokensFileOptions {
  /** Receives a line when the file was re-read or could not be. */
  log: (line: string) => void;
  /** Milliseconds between two looks at the file. @default 1000 */
  checkIntervalMs?: number;
}

/** No content is waiting for a second look. */
const NOTHING = Symbol("nothing");

/** A tokens file bigger than this is refused (it is a few lines of text). */
const MAX_BYTES = 1024 * 1024;

/** The tokens of a file, kept up to date with it. */
export class TokensFile implements Disposable {
  /** The file's path, as configured. */
  readonly path: string;
  #table: TokenTable;
  /** The content last acted upon; `undefined` when the file could not be read. */
  #seen: string | undefined;
  /** A new content seen once, used if the next look finds it again. */
  #pending: string | undefined | typeof NOTHING = NOTHING;
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking = false;

  private constructor(path: string, text: string, table: TokenTable) {
    this.path = path;
    this.#seen = text;
    this.#table = table;
  }

  /**
   * Reads the file and starts watching it.
   *
   * @throws {ConfigError} when the file cannot be read or a line is broken
   */
  static async open(path: string, options: TokensFileOptions): Promise<TokensFile> {
    const text = await readTokensText(path);
    const file = new TokensFile(path, text, TokenTable.parse(text, path));
    file.#timer = setInterval(() => file.#check(options.log), options.checkIntervalMs ?? 1000);
    Deno.unrefTimer(file.#timer);
    return file;
  }

  /** How many tokens are in force. */
  get size(): number {
    return this.#table.size;
  }

  /** The entry of `token`, or `undefined` when no line holds it. */
  find(token: string): TokenEntry | undefined {
    return this.#table.find(token);
  }

  /** Stops watching the file. */
  close(): void {
    clearInterval(this.#timer);
  }

  /** Same as {@linkcode TokensFile.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  async #check(log: (line: string) => void): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      await this.#look(log);
    } finally {
      this.#checking = false;
    }
  }

  /**
   * Reads the file; a content that differs from the one in force is used once a second look
   * finds it unchanged (a write may be under way at the first). A broken or unreadable file is
   * reported once, not at every look.
   */
  async #look(log: (line: string) => void): Promise<void> {
    let text: string | undefined;
    let problem: unknown;
    try {
      text = await readTokensText(this.path);
    } catch (error) {
      problem = error;
    }
    if (text === this.#seen) {
      this.#pending = NOTHING;
      return;
    }
    if (text !== this.#pending) {
      this.#pending = text;
      return;
    }
    this.#seen = text;
    this.#pending = NOTHING;
    try {
      if (text === undefined) throw problem;
      this.#table = TokenTable.parse(text, this.path);
      log(`Tokens file "${this.path}" changed: ${this.#table.size} token(s) in force`);
    } catch (error) {
      log(
        `Tokens file "${this.path}" changed and cannot be used, keeping the ` +
          `${this.#table.size} token(s) read before: ${errorText(error)}`,
      );
    }
  }
}

async function readTokensText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new ConfigError(
      `Cannot read the tokens file "${path}" (auth.tokens.file): ${errorText(error)}`,
      "auth.tokens.file",
      { cause: error },
    );
  }
  if (bytes.length > MAX_BYTES) {
    throw new ConfigError(
      `The tokens file "${path}" holds ${bytes.length} bytes, more than the ${MAX_BYTES} a ` +
        "tokens file may hold",
      "auth.tokens.file",
    );
  }
  return new TextDecoder().decode(bytes);
}
