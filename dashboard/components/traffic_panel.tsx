/**
 * Offload traffic: the chart of the last minutes and a table of the same series (requests in
 * the window, rate over the last interval), which is also the chart's text alternative.
 *
 * @module
 */
import { seriesColors } from "../lib/palette.ts";
import { type TrafficHistory, type TrafficSeries } from "../lib/traffic.ts";
import type { NodeStatus } from "../../protocol/status.ts";
import { mutedClass } from "../styles.ts";
import { TrafficChart } from "./traffic_chart.tsx";
import { Badge, Card } from "./ui.tsx";

/** The traffic panel. */
export function TrafficPanel(props: {
  /** The history. */
  traffic: TrafficHistory;
  /** Changes when it does. */
  version: number;
  /** The latest status (totals since the node started). */
  status: NodeStatus | undefined;
  /** Dark colours. */
  dark: boolean;
  /** Extra classes. */
  class?: string;
}) {
  const { traffic } = props;
  const series = traffic.series();
  const colors = seriesColors(series);
  const totals = traffic.totals();
  const minutes = Math.max(1, Math.round(traffic.windowSeconds / 60));
  const summary = `Requests over the last ${minutes} minute(s), per 5 seconds: ` +
    series.map((s) => `${s.label} ${totals[s.key]}`).join(", ");
  const c = props.status?.Invocations;
  return (
    <Card
      id="traffic-title"
      title="Offload traffic"
      class={props.class}
      actions={<span class={`text-xs ${mutedClass}`}>requests per 5 s, last {minutes} min</span>}
    >
      <TrafficChart
        traffic={traffic}
        version={props.version}
        dark={props.dark}
        summary={summary}
      />
      <div class="mt-3 overflow-x-auto">
        <table class="w-full text-sm" data-testid="traffic-table">
          <caption class="sr-only">Requests by destination</caption>
          <thead class={`text-left text-xs ${mutedClass}`}>
            <tr>
              <th scope="col" class="py-1 pr-3 font-medium">Series</th>
              <th scope="col" class="py-1 pr-3 text-right font-medium">Last {minutes} min</th>
              <th scope="col" class="py-1 text-right font-medium">Since start</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s, i) => (
              <tr
                key={s.key}
                data-series={s.key}
                class="border-t border-slate-100 dark:border-slate-700"
              >
                <th scope="row" class="py-1 pr-3 text-left font-normal">
                  <span class="inline-flex items-center gap-2">
                    <span
                      aria-hidden="true"
                      class="inline-block h-2.5 w-2.5 rounded-full"
                      style={{ background: colors[i] }}
                    />
                    {s.label}
                    {s.kind === "neighbour" && (
                      <Badge tone={s.cloud ? "cloud" : "info"}>{s.cloud ? "cloud" : "edge"}</Badge>
                    )}
                  </span>
                </th>
                <td
                  class="py-1 pr-3 text-right tabular-nums"
                  data-testid={`traffic-total-${s.key}`}
                >
                  {totals[s.key]}
                </td>
                <td class="py-1 text-right tabular-nums" data-testid={`traffic-since-${s.key}`}>
                  {sinceStart(props.status, s)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {c && (
        <p class={`mt-3 text-xs ${mutedClass}`} data-testid="traffic-offloaded">
          Offloaded since start: {c.OffloadedCloud} to the cloud, {c.OffloadedEdge} to edge nodes.
        </p>
      )}
    </Card>
  );
}

/** The total of `series` since the node started, as `/status` counts it. */
export function sinceStart(status: NodeStatus | undefined, series: TrafficSeries): string {
  if (!status) return "–";
  const c = status.Invocations;
  const listed = status.Neighbours.reduce((n, x) => n + x.Sent, 0);
  switch (series.kind) {
    case "local":
      return String(c.Local);
    case "received":
      return String(c.Received);
    case "dropped":
      return String(c.Dropped);
    case "other":
      return String(Math.max(0, c.OffloadedCloud + c.OffloadedEdge - listed));
    case "neighbour": {
      const n = status.Neighbours.find((x) => `to:${x.Id}` === series.key);
      return n ? String(n.Sent) : "–";
    }
  }
}
