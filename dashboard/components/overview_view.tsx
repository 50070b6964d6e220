/**
 * The overview: node status, pool occupancy, recent requests, offload traffic, neighbours.
 *
 * @module
 */
import type { NodeFeed } from "./use_node_feed.ts";
import { ActivityPanel } from "./activity_panel.tsx";
import { NeighboursPanel } from "./neighbours_panel.tsx";
import { PoolPanel } from "./pool_panel.tsx";
import { StatusPanel } from "./status_panel.tsx";
import { TrafficPanel } from "./traffic_panel.tsx";

/** The overview. */
export function OverviewView(props: { feed: NodeFeed; dark: boolean }) {
  const { feed } = props;
  return (
    <div class="grid grid-cols-1 gap-4 lg:grid-cols-2 lg:gap-6">
      <StatusPanel status={feed.status} class="lg:col-span-2" />
      <PoolPanel pool={feed.status?.Pool} />
      <ActivityPanel events={feed.events} self={feed.status?.Id} live={feed.mode === "live"} />
      <TrafficPanel
        traffic={feed.traffic}
        version={feed.version}
        status={feed.status}
        dark={props.dark}
        class="lg:col-span-2"
      />
      <NeighboursPanel neighbours={feed.status?.Neighbours} class="lg:col-span-2" />
    </div>
  );
}
