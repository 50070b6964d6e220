/**
 * The config's error, and the text of any error for its messages.
 *
 * @module
 */

/** Thrown when the config file is missing, unreadable or malformed, or a key has a bad value. */
export class ConfigError extends Error {
  /** The dotted key whose value is bad, when the error is about one key. */
  readonly key: string | undefined;

  /**
   * Creates a config error.
   *
   * @param message what is wrong, sentence case, no trailing period
   * @param key the dotted key whose value is bad, if any
   * @param options standard error options (`cause`)
   */
  constructor(message: string, key?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
    this.key = key;
  }
}

/** The message of `error`, or `error` as a string when it is not an `Error`. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
