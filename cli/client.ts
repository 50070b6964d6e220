/**
 * The CLI's HTTP client of a node's API: JSON in, JSON out, and failures turned into one-line
 * errors — {@linkcode UnreachableError} naming host and port when no node answers,
 * {@linkcode ApiError} carrying the node's `Error` message when it refuses a request.
 *
 * @module
 */
import { ApiError, errorMessage } from "../protocol/error.ts";
import { baseUrl, type NodeAddress } from "./address.ts";
import { CliError, UnreachableError } from "./errors.ts";

/** A node's answer: HTTP status and parsed JSON body. */
export interface ApiAnswer {
  /** HTTP status. */
  status: number;
  /** Parsed body; `undefined` when the body was empty or not JSON. */
  body: unknown;
}

/** Options of {@linkcode NodeClient}. */
export interface NodeClientOptions {
  /** Receives one line per request (`-verbose`). */
  log?: (line: string) => void;
  /** Token sent as `Authorization: Bearer` (`-token`, `SERVERLEDGE_TOKEN`). @default none */
  token?: string;
}

/** Talks to one node. */
export class NodeClient {
  /** The node's address. */
  readonly address: NodeAddress;
  readonly #log?: (line: string) => void;
  readonly #headers: Record<string, string>;

  /**
   * A client of the node at `address`.
   *
   * @param address the node's host and port
   * @param options request logging and the token
   */
  constructor(address: NodeAddress, options: NodeClientOptions = {}) {
    this.address = address;
    this.#log = options.log;
    this.#headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
  }

  /** GETs `path`; resolves the body of a 2xx answer, else throws an {@linkcode ApiError}. */
  async get(path: string): Promise<unknown> {
    return okBody(await this.request("GET", path));
  }

  /** POSTs `body` as JSON to `path`; resolves the body of a 2xx answer, else throws. */
  async post(path: string, body: unknown): Promise<unknown> {
    return okBody(await this.request("POST", path, body));
  }

  /**
   * Sends one request and resolves whatever the node answered; throws only an
   * {@linkcode UnreachableError} when no answer came.
   */
  async request(method: "GET" | "POST", path: string, body?: unknown): Promise<ApiAnswer> {
    const url = baseUrl(this.address) + path;
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method,
        headers: body === undefined
          ? this.#headers
          : { ...this.#headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      throw new UnreachableError(
        `Cannot reach the node at ${this.address.host}:${this.address.port}: ${reason(error)}`,
        { cause: error },
      );
    }
    this.#log?.(`${method} ${url} -> ${status} (${Math.round(performance.now() - started)} ms)`);
    return { status, body: parseJson(text) };
  }
}

/** The error a non-2xx answer stands for: the node's `Error` message, with the status. */
export function apiError(answer: ApiAnswer): ApiError {
  return new ApiError(answer.status, errorMessage(answer.status, answer.body), answer.body);
}

function okBody(answer: ApiAnswer): unknown {
  if (answer.status < 200 || answer.status > 299) throw apiError(answer);
  if (answer.body === undefined) {
    throw new CliError(`The node answered HTTP ${answer.status} without a JSON body`);
  }
  return answer.body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const REASONS: [RegExp, string][] = [
  [/connection refused/i, "connection refused"],
  [/dns error|failed to lookup|name or service not known/i, "unknown host"],
  [/timed out/i, "connection timed out"],
  [/connection reset|broken pipe|connection closed/i, "connection lost"],
  [/no route to host|network is unreachable/i, "no route to host"],
];

/** The reason in a few words, from the error or its cause (where Deno puts the details). */
function reason(error: TypeError): string {
  const cause = error.cause instanceof Error ? error.cause.message : "";
  const text = `${error.message} ${cause}`;
  return REASONS.find(([pattern]) => pattern.test(text))?.[1] ?? (cause || error.message);
}
