/**
 * `GET /events`: Server-Sent Events for the dashboard — a `status` event at connect and every
 * second (the `/status` JSON), `invocation` events as requests finish, `functions` events when
 * the function list changes.
 *
 * @module
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { NodeEvent } from "../metrics/event_hub.ts";
import type { NodeServices } from "./services.ts";
import { nodeStatus } from "./status.ts";

const STATUS_INTERVAL_MS = 1000;

/** The event stream route. */
export function eventRoutes(services: NodeServices): Hono {
  const app = new Hono();
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const queue: NodeEvent[] = [];
      let wake: (() => void) | undefined;
      const push = (event: NodeEvent) => {
        queue.push(event);
        wake?.();
      };
      const status = () => push({ type: "status", data: nodeStatus(services) });
      let open = true;
      const end = () => {
        open = false;
        wake?.();
      };
      const unsubscribe = services.telemetry.events.subscribe(push, end);
      const timer = setInterval(status, STATUS_INTERVAL_MS);
      stream.onAbort(end);
      status();
      try {
        while (open) {
          const event = queue.shift();
          if (event) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
          } else {
            await new Promise<void>((resolve) => wake = resolve);
            wake = undefined;
          }
        }
      } finally {
        clearInterval(timer);
        unsubscribe();
      }
    }));
  return app;
}
