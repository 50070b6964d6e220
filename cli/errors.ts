/**
 * The errors the CLI turns into exit codes: a {@linkcode UsageError} prints the command's usage
 * and exits 2; a {@linkcode CliError} (the node is unreachable, a file cannot be read) and the
 * protocol's `ApiError` (the node refused the request) print their one-line message and exit 1.
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

/** No node answered at the address (refused, unknown host, connection lost). */
export class UnreachableError extends CliError {}
