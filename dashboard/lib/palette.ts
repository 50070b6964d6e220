/**
 * Colours of the traffic chart's lines, readable on light and dark backgrounds.
 *
 * @module
 */
import type { TrafficSeries } from "./traffic.ts";

const FIXED: Record<string, string> = {
  local: "#0ea5e9", // sky-500
  other: "#f59e0b", // amber-500
  received: "#6366f1", // indigo-500
  dropped: "#ef4444", // red-500
};

/** Cloud nodes: violets and pinks. */
const CLOUD = ["#a855f7", "#d946ef", "#ec4899", "#8b5cf6"];
/** Edge neighbours: greens and teals. */
const EDGE = ["#10b981", "#14b8a6", "#84cc16", "#22c55e", "#06b6d4"];

/**
 * The colour of each series, in order: fixed ones by kind, neighbours cycling through the cloud
 * or edge palette in the order they come.
 */
export function seriesColors(series: readonly TrafficSeries[]): string[] {
  let cloud = 0;
  let edge = 0;
  return series.map((s) => {
    if (s.kind !== "neighbour") return FIXED[s.kind];
    return s.cloud ? CLOUD[cloud++ % CLOUD.length] : EDGE[edge++ % EDGE.length];
  });
}
