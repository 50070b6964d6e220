/**
 * An incremental parser of the Server-Sent Events format (the HTML standard's "event stream
 * interpretation"): feed it text as it arrives, it hands back complete events.
 *
 * The dashboard reads `/events` with `fetch` rather than `EventSource` so that it can send an
 * `Authorization` header and tell a missing route (404) from a network failure.
 *
 * @module
 */

/** One dispatched event. */
export interface ServerSentEvent {
  /** The `event:` field. @default "message" */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  /** The last `id:` seen. */
  id: string;
}

/**
 * Parses an event stream chunk by chunk.
 *
 * @example
 * ```ts
 * const parser = new SseParser();
 * parser.push("event: status\ndata: {\"Id\":\"a\"}\n\n"); // [{event: "status", data: ..., id: ""}]
 * ```
 */
export class SseParser {
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #id = "";
  #sawCarriageReturn = false;
  /** The last `retry:` value in ms, if any. */
  retry: number | undefined;

  /** Adds `chunk` and answers the events it completes. */
  push(chunk: string): ServerSentEvent[] {
    if (this.#sawCarriageReturn && chunk.startsWith("\n")) chunk = chunk.slice(1);
    this.#sawCarriageReturn = chunk.endsWith("\r");
    this.#buffer += chunk;
    const events: ServerSentEvent[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) {
      const event = this.#line(line);
      if (event) events.push(event);
    }
    return events;
  }

  #line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.#event = value;
        break;
      case "data":
        this.#data.push(value);
        break;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return undefined;
  }

  #dispatch(): ServerSentEvent | undefined {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#event = "";
    if (data.length === 0) return undefined;
    return { event: event || "message", data: data.join("\n"), id: this.#id };
  }
}
