/**
 * The dashboard's live feed: reads `GET /events` (Server-Sent Events) and, where the node has
 * no event stream or it cannot be opened, polls `GET /status` instead, retrying the stream now
 * and then. Reconnects by itself; stops and says so when the node wants a token.
 *
 * @module
 */
import { ApiError } from "../../protocol/error.ts";
import type { NodeApi } from "./api.ts";
import { SseParser } from "./sse.ts";
import { sleep } from "../../server/timing/sleep.ts";
import type { InvocationEvent, NodeStatus } from "../../protocol/status.ts";
import type { WorkflowStepEvent } from "../../protocol/workflow.ts";

/** How the dashboard is connected to the node. */
export type LiveMode = "connecting" | "live" | "polling" | "offline" | "unauthorized";

/** What the feed reports. */
export interface LiveHandlers {
  /** A fresh `/status`. */
  status(status: NodeStatus): void;
  /** A finished (or dropped) request. */
  invocation?(event: InvocationEvent): void;
  /** The function list changed (names). */
  functions?(names: string[]): void;
  /** A step of a workflow run was entered or exited. */
  workflow?(event: WorkflowStepEvent): void;
  /** The connection changed; `detail` says why when it is not live. */
  mode(mode: LiveMode, detail?: string): void;
}

/** Options of {@linkcode connectLive}. */
export interface LiveOptions {
  /** The node's API (its URLs, headers and `status()`). */
  api: NodeApi;
  /** The fetch used for the stream. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Milliseconds between two polls of `/status` when there is no stream. @default 2000 */
  pollIntervalMs?: number;
  /** Milliseconds before reconnecting after a failure. @default 2000 */
  retryMs?: number;
  /** Milliseconds of polling before the stream is tried again. @default 30000 */
  streamRetryMs?: number;
  /** Milliseconds without any event after which the stream is reopened. @default 10000 */
  idleTimeoutMs?: number;
}

/** A running feed. */
export interface LiveFeed {
  /** Stops the feed for good. */
  close(): void;
  /** Starts over (after a new token was given). */
  reconnect(): void;
}

type StreamOutcome = "ended" | "unsupported" | "unauthorized" | "failed";

/**
 * Starts the live feed.
 *
 * @example
 * ```ts
 * import { NodeApi } from "./api.ts";
 *
 * const feed = connectLive({
 *   status: (s) => console.log(s.Id),
 *   mode: (m) => console.log(m),
 * }, { api: new NodeApi() });
 * feed.close();
 * ```
 */
export function connectLive(handlers: LiveHandlers, options: LiveOptions): LiveFeed {
  const { api } = options;
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const retryMs = options.retryMs ?? 2000;
  const streamRetryMs = options.streamRetryMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  let controller = new AbortController();

  const stream = async (signal: AbortSignal): Promise<StreamOutcome> => {
    const idle = new AbortController();
    const both = AbortSignal.any([signal, idle.signal]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleTimeoutMs);
    };
    try {
      touch();
      const response = await fetcher(api.url("/events"), {
        headers: api.headers({ accept: "text/event-stream" }),
        signal: both,
      });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        return "unauthorized";
      }
      const type = response.headers.get("content-type") ?? "";
      if (!response.ok || !type.startsWith("text/event-stream") || !response.body) {
        await response.body?.cancel();
        return "unsupported";
      }
      handlers.mode("live");
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) return "ended";
          touch();
          for (const event of parser.push(value)) deliver(event.event, event.data);
        }
      } finally {
        reader.cancel().catch(() => {});
      }
    } catch {
      return signal.aborted ? "ended" : "failed";
    } finally {
      clearTimeout(timer);
    }
  };

  const deliver = (event: string, data: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (event === "status") handlers.status(parsed as NodeStatus);
    else if (event === "invocation") handlers.invocation?.(parsed as InvocationEvent);
    else if (event === "functions") handlers.functions?.(parsed as string[]);
    else if (event === "workflow") handlers.workflow?.(parsed as WorkflowStepEvent);
  };

  /** Polls `/status` for `durationMs`; answers false when the node wants a token. */
  const poll = async (durationMs: number, signal: AbortSignal): Promise<boolean> => {
    const until = Date.now() + durationMs;
    do {
      try {
        handlers.status(await api.status());
        if (!signal.aborted) handlers.mode("polling");
      } catch (error) {
        if (signal.aborted) return true;
        if (error instanceof ApiError && error.unauthorized) return false;
        handlers.mode("offline", (error as Error).message);
      }
      await sleep(pollIntervalMs, signal);
    } while (!signal.aborted && Date.now() < until);
    return true;
  };

  const run = async (signal: AbortSignal) => {
    handlers.mode("connecting");
    while (!signal.aborted) {
      const outcome = await stream(signal);
      if (signal.aborted) return;
      if (outcome === "unauthorized") {
        handlers.mode("unauthorized");
        return;
      }
      if (outcome === "unsupported") {
        if (!await poll(streamRetryMs, signal)) {
          handlers.mode("unauthorized");
          return;
        }
        continue;
      }
      if (outcome === "failed") handlers.mode("offline", "The node does not answer");
      else handlers.mode("connecting");
      await sleep(retryMs, signal);
    }
  };

  run(controller.signal);
  return {
    close: () => controller.abort(),
    reconnect: () => {
      controller.abort();
      controller = new AbortController();
      run(controller.signal);
    },
  };
}
