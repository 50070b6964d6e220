/**
 * The nodes this one knows (edge neighbours of its area and cloud nodes): reachability, last
 * known load and latency, and the requests exchanged with each.
 *
 * @module
 */
import { formatAgo, formatMB, formatNumber } from "../lib/format.ts";
import type { NeighbourStatus } from "../../protocol/status.ts";
import { mutedClass } from "../styles.ts";
import { Badge, Card } from "./ui.tsx";

/** The neighbours panel. */
export function NeighboursPanel(
  props: { neighbours: NeighbourStatus[] | undefined; class?: string },
) {
  const list = props.neighbours ?? [];
  const now = Date.now();
  return (
    <Card id="neighbours-title" title="Neighbours" class={props.class}>
      {list.length === 0
        ? (
          <p class={`text-sm ${mutedClass}`}>
            No other node known. Nodes sharing this node's etcd and area show up here.
          </p>
        )
        : (
          <div class="-mx-4 overflow-x-auto px-4 sm:-mx-5 sm:px-5">
            <table class="w-full min-w-[40rem] text-sm" data-testid="neighbours-table">
              <thead class={`text-left text-xs ${mutedClass}`}>
                <tr>
                  <th scope="col" class="py-1 pr-3 font-medium">Node</th>
                  <th scope="col" class="py-1 pr-3 font-medium">State</th>
                  <th scope="col" class="py-1 pr-3 text-right font-medium">Latency</th>
                  <th scope="col" class="py-1 pr-3 text-right font-medium">Free memory</th>
                  <th scope="col" class="py-1 pr-3 text-right font-medium">Free CPUs</th>
                  <th scope="col" class="py-1 pr-3 text-right font-medium">Load</th>
                  <th scope="col" class="py-1 pr-3 text-right font-medium">Warm</th>
                  <th scope="col" class="py-1 pr-3 text-right font-medium">Sent</th>
                  <th scope="col" class="py-1 text-right font-medium">Received</th>
                </tr>
              </thead>
              <tbody>
                {list.map((n) => (
                  <tr
                    key={n.Id}
                    data-testid={`neighbour-${n.Id}`}
                    class="border-t border-slate-100 dark:border-slate-700"
                  >
                    <th scope="row" class="py-1.5 pr-3 text-left font-normal">
                      <div class="flex items-center gap-2">
                        <span class="font-mono font-medium" title={n.Url}>{n.Id}</span>
                        <Badge tone={n.Cloud ? "cloud" : "info"}>
                          {n.Cloud ? "cloud" : "edge"}
                        </Badge>
                      </div>
                      <div class={`text-xs ${mutedClass}`}>
                        {n.Area} ·{" "}
                        {n.LastUpdate ? formatAgo(Date.parse(n.LastUpdate), now) : "never polled"}
                      </div>
                    </th>
                    <td class="py-1.5 pr-3">
                      <Badge tone={n.Reachable ? "good" : "bad"}>
                        {n.Reachable ? "reachable" : "unreachable"}
                      </Badge>
                    </td>
                    <td class="py-1.5 pr-3 text-right tabular-nums">
                      {n.LatencyMs === null ? "–" : `${formatNumber(n.LatencyMs, 1)} ms`}
                    </td>
                    <td class="py-1.5 pr-3 text-right tabular-nums">
                      {n.AvailableMemMB === null ? "–" : formatMB(n.AvailableMemMB)}
                    </td>
                    <td class="py-1.5 pr-3 text-right tabular-nums">
                      {formatNumber(n.AvailableCPUs)}
                    </td>
                    <td class="py-1.5 pr-3 text-right tabular-nums">
                      {n.LoadAvg ? formatNumber(n.LoadAvg[0]) : "–"}
                    </td>
                    <td class="py-1.5 pr-3 text-right tabular-nums">
                      {Object.values(n.AvailableWarmContainers ?? {}).reduce((a, b) => a + b, 0)}
                    </td>
                    <td
                      class="py-1.5 pr-3 text-right tabular-nums"
                      data-testid={`neighbour-sent-${n.Id}`}
                    >
                      {n.Sent}
                    </td>
                    <td class="py-1.5 text-right tabular-nums">{n.Received}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </Card>
  );
}
