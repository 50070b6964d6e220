/**
 * The errors the CLI turns into exit codes: a {@linkcode UsageError} prints the command's usage
 * and exits 2; a {@linkcode CliError} (the node is unreachable, the node refused the request, a
 * file cannot be read) prints its one-line message and exits 1.
 *
 * @module
 */

/** The command line is wrong (unknown command or option, bad or missing value): exit code 2. */
export class UsageError extends Error {
  /**
   * A usage error.
   *
   * @param message what is wrong, naming the option as typed
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The command could not do its work: exit code 1, with a one-line message. */
export class CliError extends Error {
  /**
   * A failure of the command.
   *
   * @param message what failed and why
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The node answered with an error status; the message is the node's own `Error` text. */
export class ApiError extends CliError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The answer's body, parsed (`undefined` when it was not JSON). */
  readonly body: unknown;

  /**
   * An error answer of the node.
   *
   * @param status HTTP status of the answer
   * @param body the answer's parsed body
   * @param message the node's explanation
   */
  constructor(status: number, body: unknown, message: string) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** No node answered at the address (refused, unknown host, connection lost). */
export class UnreachableError extends CliError {}
