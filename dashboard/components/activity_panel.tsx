/**
 * The latest requests the node finished (from `/events`): function, where it ran, warm or cold,
 * response time, outcome.
 *
 * @module
 */
import { formatClock, formatSeconds } from "../lib/format.ts";
import type { InvocationEvent } from "../../protocol/status.ts";
import { mutedClass } from "../styles.ts";
import { Badge, Card } from "./ui.tsx";

/** Where a request ran, in words. */
export function placement(event: InvocationEvent, self: string | undefined): string {
  if (event.SchedAction === "D") return "dropped";
  if (event.SchedAction === "O") return `offloaded to ${event.ExecutedOn ?? "another node"}`;
  if (event.ExecutedOn && self && event.ExecutedOn !== self) return `ran on ${event.ExecutedOn}`;
  return "ran here";
}

/** The activity panel. */
export function ActivityPanel(props: {
  events: InvocationEvent[];
  self: string | undefined;
  live: boolean;
  class?: string;
}) {
  return (
    <Card id="activity-title" title="Recent requests" class={props.class}>
      {props.events.length === 0
        ? (
          <p class={`text-sm ${mutedClass}`}>
            {props.live
              ? "No request yet. Requests appear here as they finish."
              : "Requests appear here while the live feed is connected."}
          </p>
        )
        : (
          <ol class="max-h-80 space-y-1 overflow-y-auto text-sm" data-testid="activity">
            {props.events.map((e, i) => (
              <li
                key={`${e.Time}-${i}`}
                class="flex flex-wrap items-center gap-x-2 gap-y-0.5 border-b border-slate-100 py-1 last:border-0 dark:border-slate-700"
              >
                <time class={`tabular-nums text-xs ${mutedClass}`}>{formatClock(e.Time)}</time>
                <span class="font-mono font-medium">{e.Function}</span>
                <span class={`text-sm ${mutedClass}`}>{placement(e, props.self)}</span>
                <span class="ml-auto flex items-center gap-1.5">
                  {e.SchedAction !== "D" && e.IsWarmStart !== undefined && (
                    <Badge tone={e.IsWarmStart ? "good" : "warn"}>
                      {e.IsWarmStart ? "warm" : "cold"}
                    </Badge>
                  )}
                  {e.ResponseTime !== undefined && (
                    <span class="tabular-nums text-xs">{formatSeconds(e.ResponseTime)}</span>
                  )}
                  <Badge tone={e.Success ? "good" : "bad"} title={e.Error}>
                    {e.Success ? "ok" : e.SchedAction === "D" ? "dropped" : "failed"}
                  </Badge>
                </span>
              </li>
            ))}
          </ol>
        )}
    </Card>
  );
}
