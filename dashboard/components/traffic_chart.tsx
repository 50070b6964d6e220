/**
 * The offload traffic chart: one stepped line per series of a {@linkcode TrafficHistory}, in
 * requests per 5-second bucket, drawn by uPlot on a canvas that follows its container's width.
 *
 * @module
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { seriesColors } from "../lib/palette.ts";
import type { TrafficHistory } from "../lib/traffic.ts";

const HEIGHT = 220;

/** The chart; `version` changes when the history does. */
export function TrafficChart(props: {
  /** The history to draw. */
  traffic: TrafficHistory;
  /** Changes when the history changed. */
  version: number;
  /** Dark colours. */
  dark: boolean;
  /** Accessible summary of what the chart shows. */
  summary: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const series = props.traffic.series();
  const shape = series.map((s) => s.key).join("|") + (props.dark ? ":dark" : ":light");

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const colors = seriesColors(series);
    const axis = props.dark ? "#94a3b8" : "#475569";
    const grid = props.dark ? "rgba(148,163,184,0.15)" : "rgba(71,85,105,0.12)";
    // Each point ends its bucket: the step before it carries its value.
    const stepped = uPlot.paths.stepped?.({ align: -1 });
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max ?? 0))] },
        },
        axes: [
          { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, space: 80 },
          { stroke: axis, grid: { stroke: grid }, ticks: { stroke: grid }, size: 40 },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: colors[i],
            fill: `${colors[i]}1f`,
            width: 2,
            paths: stepped,
            points: { show: false },
          })),
        ],
      },
      props.traffic.chartData() as uPlot.AlignedData,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT })
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(props.traffic.chartData() as uPlot.AlignedData);
  }, [props.version]);

  return (
    <div
      ref={host}
      role="img"
      aria-label={props.summary}
      data-testid="traffic-chart"
      class="w-full overflow-hidden"
      style={{ minHeight: `${HEIGHT}px` }}
    />
  );
}
