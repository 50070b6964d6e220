/**
 * The executor contract between a node and its function containers: every runtime image runs
 * an executor, on the Unix socket `EXECUTOR_SOCKET` names when the image declares one, else on
 * port 8080, answering `GET /health`, `POST /init` (the function's code) and `POST /invoke`
 * (one invocation). These are the JSON bodies; `runtimes/` holds the executors.
 *
 * @module
 */

/** One regular file of a function's code, checked and unpacked. */
export interface CodeFile {
  /** Normalised relative path, `/`-separated, never starting with `/` or containing `..`. */
  path: string;
  /** Unix permission bits (e.g. `0o644`). */
  mode: number;
  /** File content. */
  data: Uint8Array;
}

/** The body of `POST /init`: the function's files, contents in base64. */
export interface ExecutorInitBody {
  /** Every file of the function. */
  Files: { Path: string; Mode: number; Data: string }[];
}

/** The body of `POST /invoke`. */
export interface ExecutorRequest {
  /** Handler as stored in the function definition. */
  Handler: string;
  /** Invocation parameters. */
  Params: Record<string, unknown>;
  /** Whether to capture and return output. */
  ReturnOutput: boolean;
  /** Invocation context given to the handler as its second argument. */
  Context: Record<string, unknown>;
}

/** What an executor answers to `POST /invoke`. */
export interface ExecutorReply {
  /** Whether the handler returned normally. */
  Success: boolean;
  /** JSON text of the handler's return value. */
  Result: string;
  /** Captured stdout/stderr when asked for. */
  Output: string;
  /** Error text and stack when `Success` is false. */
  Error?: string;
  /**
   * Seconds the handler ran, as the executor measured it, not counting the first load of its
   * module (a one-off of each container, not the function's steady cost); optional: the node then
   * counts the whole call. The pool uses it to tell a slow function from a busy node when it
   * scales up.
   */
  Duration?: number;
}

/**
 * The body of `POST /invoke` to an executor of Serverledge's contract (its
 * `executor.InvocationRequest`): such an image serves only this route, on port 8080, and finds
 * the code the node copied into `HandlerDir` before its container started. `Command` is left
 * out: a custom image's executor runs the command its image names (`CUSTOM_CMD`).
 */
export interface ServerledgeInvocationRequest {
  /** Handler as stored in the function definition. */
  Handler: string;
  /** Folder holding the function's code: always `/app`. */
  HandlerDir: string;
  /** Invocation parameters. */
  Params: Record<string, unknown>;
  /** Whether to capture and return output. */
  ReturnOutput: boolean;
}
