/**
 * A small client of the node's HTTP API for the dashboard: JSON in and out, the node's
 * `{"Error": "..."}` answers turned into {@linkcode ApiError}, and an optional bearer token.
 *
 * @module
 */
import { ApiError, errorMessage } from "../../protocol/error.ts";
import type {
  CreatedAnswer,
  DeletedAnswer,
  FunctionDefinitionBody,
  FunctionInfo,
  PrewarmedAnswer,
  RuntimeInfo,
  UpdatedAnswer,
} from "../../protocol/function.ts";
import {
  type AsyncAnswer,
  type ExecutionReport,
  type InvocationRequestBody,
  isExecutionReport,
} from "../../protocol/invocation.ts";
import type { NodeStatus } from "../../protocol/status.ts";
import { encodeBase64 } from "../../protocol/base64.ts";
import type {
  WorkflowCreateAnswer,
  WorkflowDeleteAnswer,
  WorkflowInvocationRequest,
  WorkflowRecord,
  WorkflowReport,
} from "../../protocol/workflow.ts";

/** Options of {@linkcode NodeApi}. */
export interface NodeApiOptions {
  /** Base URL of the node. @default "" (the page's own origin) */
  baseUrl?: string;
  /** The token to send as `Authorization: Bearer`, if any. @default no token */
  token?: () => string | undefined;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Calls the node's API.
 *
 * @example
 * ```ts
 * const api = new NodeApi();
 * const status = await api.status();
 * console.log(status.Id);
 * ```
 */
export class NodeApi {
  readonly #baseUrl: string;
  readonly #token: () => string | undefined;
  readonly #fetch: typeof fetch;

  /** A client of the node at `options.baseUrl`. */
  constructor(options: NodeApiOptions = {}) {
    this.#baseUrl = options.baseUrl ?? "";
    this.#token = options.token ?? (() => undefined);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Headers every request carries (the token, when there is one). */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.#token();
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  }

  /** The full URL of `path`. */
  url(path: string): string {
    return this.#baseUrl + path;
  }

  /** `GET /status`. */
  status(): Promise<NodeStatus> {
    return this.#request<NodeStatus>("GET", "/status");
  }

  /** `GET /function?details=true`, sorted by name. */
  async functions(): Promise<FunctionInfo[]> {
    const list = await this.#request<FunctionInfo[]>("GET", "/function?details=true");
    return [...list].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** `GET /runtimes`. */
  runtimes(): Promise<RuntimeInfo[]> {
    return this.#request<RuntimeInfo[]>("GET", "/runtimes");
  }

  /** `POST /create`. */
  create(body: FunctionDefinitionBody): Promise<CreatedAnswer> {
    return this.#request("POST", "/create", body);
  }

  /** `POST /update`. */
  update(body: FunctionDefinitionBody): Promise<UpdatedAnswer> {
    return this.#request("POST", "/update", body);
  }

  /** `POST /delete`. */
  delete(name: string): Promise<DeletedAnswer> {
    return this.#request("POST", "/delete", { Name: name });
  }

  /** `POST /prewarm`: answers how many containers were started. */
  prewarm(name: string, instances: number): Promise<PrewarmedAnswer> {
    return this.#request("POST", "/prewarm", { Function: name, Instances: instances });
  }

  /**
   * `POST /invoke/<name>`: the report, or `{ReqId}` when `body.Async`. A failed function
   * (HTTP 500 with a report) answers its report rather than throwing.
   */
  invoke(name: string, body: InvocationRequestBody): Promise<ExecutionReport | AsyncAnswer> {
    return this.#invoke(`/invoke/${encodeURIComponent(name)}`, body, isExecutionReport);
  }

  /** `GET /poll/<id>`: the report, or `undefined` while there is none yet (404). */
  poll(reqId: string): Promise<ExecutionReport | undefined> {
    return this.#poll(reqId, isExecutionReport);
  }

  /** `GET /workflow/list`, sorted by name. */
  async workflows(): Promise<WorkflowRecord[]> {
    const list = await this.#request<WorkflowRecord[]>("GET", "/workflow/list");
    return [...list].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** `POST /workflow/create` with `definition` (the ASL JSON text) base64-encoded. */
  createWorkflow(
    name: string,
    definition: string,
    overwrite = false,
  ): Promise<WorkflowCreateAnswer> {
    return this.#request("POST", "/workflow/create", {
      Name: name,
      ASLSrc: encodeBase64(new TextEncoder().encode(definition)),
      OverwriteIfExists: overwrite,
    });
  }

  /** `POST /workflow/delete`. */
  deleteWorkflow(name: string): Promise<WorkflowDeleteAnswer> {
    return this.#request("POST", "/workflow/delete", { Name: name });
  }

  /**
   * `POST /workflow/invoke/<name>`: the workflow report, or `{ReqId}` when `body.Async`. A
   * failed workflow (an error status with a report) answers its report rather than throwing.
   */
  invokeWorkflow(
    name: string,
    body: WorkflowInvocationRequest,
  ): Promise<WorkflowReport | AsyncAnswer> {
    return this.#invoke(`/workflow/invoke/${encodeURIComponent(name)}`, body, isWorkflowReport);
  }

  /** `GET /poll/<id>` of a workflow run: its report, or `undefined` while there is none yet. */
  pollWorkflow(reqId: string): Promise<WorkflowReport | undefined> {
    return this.#poll(reqId, isWorkflowReport);
  }

  /** Posts an invocation; a failure that still carries a report answers the report. */
  async #invoke<T>(
    path: string,
    body: unknown,
    isReport: (value: unknown) => value is T,
  ): Promise<T | AsyncAnswer> {
    try {
      return await this.#request<T | AsyncAnswer>("POST", path, body);
    } catch (error) {
      if (error instanceof ApiError && isReport(error.body)) return error.body;
      throw error;
    }
  }

  /** Polls a request: its report, `undefined` while there is none yet (404). */
  async #poll<T>(reqId: string, isReport: (value: unknown) => value is T): Promise<T | undefined> {
    try {
      return await this.#request<T>("GET", `/poll/${encodeURIComponent(reqId)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      if (error instanceof ApiError && isReport(error.body)) return error.body;
      throw error;
    }
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(this.url(path), {
        method,
        headers: this.headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, `Cannot reach the node: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the message
    }
    if (!response.ok) {
      const message = errorMessage(response.status, parsed, text, response.statusText);
      throw new ApiError(response.status, message, parsed);
    }
    return parsed as T;
  }
}

/** Whether `value` is a workflow report (it has `Success` and `Reports`). */
export function isWorkflowReport(value: unknown): value is WorkflowReport {
  return typeof value === "object" && value !== null && "Success" in value &&
    "Reports" in value;
}
