/**
 * What the CLI prints. Answers go to standard output as Serverledge's CLI prints them
 * (tab-indented JSON) or, with `-json`, as one compact JSON line. Progress lines and hints go to
 * standard error and only when it is a terminal, so piped output stays clean.
 *
 * @module
 */

/** Where the CLI writes. */
export interface Terminal {
  /** Writes `text` to standard output as is. */
  stdout(text: string): void;
  /** Writes `text` to standard error as is. */
  stderr(text: string): void;
  /** Whether standard error is a terminal: progress and hints are shown only then. */
  interactive: boolean;
  /** Whether standard output is a terminal: `status` prints its summary only then. */
  stdoutTerminal?: boolean;
}

/** Options of {@linkcode Output}. */
export interface OutputOptions {
  /** Print answers as compact JSON lines (`-json`). @default false */
  json?: boolean;
}

/** Prints answers, hints, warnings and progress for one command. */
export class Output {
  /** Whether answers are printed as compact JSON (`-json`). */
  readonly json: boolean;
  readonly #terminal: Terminal;
  #progressShown = false;

  /**
   * Output of one command to `terminal`.
   *
   * @param terminal where to write
   * @param options output format
   */
  constructor(terminal: Terminal, options: OutputOptions = {}) {
    this.#terminal = terminal;
    this.json = options.json ?? false;
  }

  /** Whether standard error is a terminal (progress and hints are shown). */
  get interactive(): boolean {
    return this.#terminal.interactive;
  }

  /** Whether standard output is a terminal (for a person to read, not a program). */
  get stdoutTerminal(): boolean {
    return this.#terminal.stdoutTerminal ?? false;
  }

  /** Prints a node's answer: tab-indented JSON, or one compact line with `-json`. */
  answer(value: unknown): void {
    this.text(this.json ? JSON.stringify(value) : JSON.stringify(value, null, "\t"));
  }

  /** Prints a line (or lines) to standard output. */
  text(text: string): void {
    this.endProgress();
    this.#terminal.stdout(text + "\n");
  }

  /** Prints a hint to standard error, only on a terminal. */
  hint(line: string): void {
    if (!this.#terminal.interactive) return;
    this.endProgress();
    this.#terminal.stderr(line + "\n");
  }

  /** Prints a warning to standard error. */
  warn(line: string): void {
    this.endProgress();
    this.#terminal.stderr(line + "\n");
  }

  /** Shows `line` as the progress line (redrawn in place), only on a terminal. */
  progress(line: string): void {
    if (!this.#terminal.interactive) return;
    this.#terminal.stderr(`\r${line}\x1b[K`);
    this.#progressShown = true;
  }

  /** Clears the progress line, if one is shown. */
  endProgress(): void {
    if (!this.#progressShown) return;
    this.#terminal.stderr("\r\x1b[K");
    this.#progressShown = false;
  }
}
