/**
 * A workflow drawn as SVG from its {@linkcode GraphLayout}: states as boxes (Parallel and Map
 * states as groups with their lanes), transitions as arrows (Choice rules labelled, the Default
 * dashed, catchers red and dashed), and, for a run, each state marked as running, done or failed
 * with where and how long it ran. When a state can be picked, states are focusable and Enter or
 * Space picks one.
 *
 * @module
 */
import { formatSeconds } from "../lib/format.ts";
import {
  edgePath,
  END_ID,
  type GraphLayout,
  type PlacedEdge,
  type PlacedNode,
  START_ID,
} from "../lib/workflow_layout.ts";
import type { NodeRun } from "../lib/workflow_run.ts";

/** Props of {@linkcode WorkflowGraph}. */
export interface WorkflowGraphProps {
  /** The laid-out graph. */
  layout: GraphLayout;
  /** Accessible name of the drawing. */
  label: string;
  /** What each state did in the run shown, if any. */
  runs?: ReadonlyMap<string, NodeRun>;
  /** The picked state's id. */
  selected?: string;
  /** Called with a state's id when it is picked. */
  onSelect?(id: string): void;
  /** Test hook. @default "workflow-graph" */
  testId?: string;
}

const STATUS_CLASS: Record<NodeRun["status"] | "idle", string> = {
  idle: "fill-white stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600",
  running: "fill-sky-50 stroke-sky-500 dark:fill-sky-900 dark:stroke-sky-400 animate-pulse",
  done: "fill-emerald-50 stroke-emerald-500 dark:fill-emerald-900 dark:stroke-emerald-400",
  failed: "fill-red-50 stroke-red-500 dark:fill-red-900 dark:stroke-red-400",
};

const EDGE_CLASS: Record<PlacedEdge["kind"] | "taken", string> = {
  next: "stroke-slate-400 dark:stroke-slate-500",
  choice: "stroke-slate-400 dark:stroke-slate-500",
  default: "stroke-slate-400 dark:stroke-slate-500",
  catch: "stroke-red-400 dark:stroke-red-400",
  end: "stroke-slate-400 dark:stroke-slate-500",
  fail: "stroke-red-400 dark:stroke-red-400",
  taken: "stroke-sky-600 dark:stroke-sky-400",
};

const MARKER_CLASS: Record<"plain" | "catch" | "taken", string> = {
  plain: "fill-slate-400 dark:fill-slate-500",
  catch: "fill-red-400 dark:fill-red-400",
  taken: "fill-sky-600 dark:fill-sky-400",
};

const NAME_CHARS = 20;

/** The smallest scale the drawing shrinks to before its box scrolls instead. */
export const MIN_SCALE = 0.6;

function short(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** What a state's box says under its name: its type and function, or what it did. */
export function nodeCaption(node: PlacedNode, run: NodeRun | undefined): string {
  if (run) {
    const parts: string[] = [run.status];
    if (run.steps > 1) parts.push(`×${run.steps}`);
    if (run.lastMs !== undefined) parts.push(formatSeconds(run.lastMs / 1000));
    if (run.executedOn.length > 0) parts.push(run.executedOn.join(", "));
    return parts.join(" · ");
  }
  return node.resource ? `${node.type} · ${node.resource}` : node.type;
}

/** The spoken description of a state: name, type, function, and what it did. */
export function nodeDescription(node: PlacedNode, run: NodeRun | undefined): string {
  const what = `${node.name}, ${node.type}${node.resource ? ` ${node.resource}` : ""}`;
  if (!run) return `${what}: not run`;
  const times = run.steps > 1 ? `, ${run.steps} times` : "";
  const took = run.lastMs !== undefined ? ` in ${formatSeconds(run.lastMs / 1000)}` : "";
  const where = run.executedOn.length > 0 ? ` on ${run.executedOn.join(", ")}` : "";
  const error = run.error ? `: ${run.error}` : "";
  return `${what}: ${run.status}${times}${took}${where}${error}`;
}

/** The drawing. */
export function WorkflowGraph(props: WorkflowGraphProps) {
  const { layout, runs } = props;
  const ran = (id: string) => id === START_ID || runs?.has(id) === true;
  const taken = (e: PlacedEdge) =>
    runs !== undefined && runs.size > 0 && ran(e.from) &&
    (e.to === END_ID ? (runs.get(e.from)?.status ?? "running") !== "running" : ran(e.to));
  return (
    <svg
      role="group"
      aria-label={props.label}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      // As wide as its box, down to MIN_SCALE of its size (then the box scrolls), never wider.
      style={{
        width: "100%",
        maxWidth: `${layout.width}px`,
        minWidth: `${Math.round(layout.width * MIN_SCALE)}px`,
        height: "auto",
      }}
      class="mx-auto block select-none text-[13px]"
      data-testid={props.testId ?? "workflow-graph"}
    >
      <defs>
        {(["plain", "catch", "taken"] as const).map((kind) => (
          <marker
            key={kind}
            id={`wf-arrow-${kind}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0 0 L10 5 L0 10 z" class={MARKER_CLASS[kind]} />
          </marker>
        ))}
      </defs>
      {layout.nodes.filter((n) => n.lanes.length > 0).map((n) => (
        <Group key={n.id} node={n} run={runs?.get(n.id)} {...props} />
      ))}
      {layout.edges.map((e) => <Edge key={e.id} edge={e} taken={taken(e)} />)}
      {layout.nodes.filter((n) => n.lanes.length === 0).map((n) =>
        n.type === "start" || n.type === "end"
          ? (
            <Terminal
              key={n.id}
              node={n}
              reached={n.id === START_ID
                ? ran(START_ID) && runs !== undefined && runs.size > 0
                : layout.edges.some((e) => e.to === n.id && taken(e))}
            />
          )
          : <State key={n.id} node={n} run={runs?.get(n.id)} {...props} />
      )}
    </svg>
  );
}

function Edge(props: { edge: PlacedEdge; taken: boolean }) {
  const { edge } = props;
  const kind = props.taken ? "taken" : edge.kind;
  const red = edge.kind === "catch" || edge.kind === "fail";
  const marker = props.taken ? "taken" : red ? "catch" : "plain";
  const dashed = edge.kind === "catch" || edge.kind === "default";
  return (
    <g data-edge={edge.id} data-taken={props.taken ? "true" : undefined}>
      <path
        d={edgePath(edge)}
        fill="none"
        class={`${EDGE_CLASS[kind]} ${props.taken ? "stroke-2" : ""}`}
        stroke-width={props.taken ? 2 : 1.25}
        stroke-dasharray={dashed ? "5 4" : undefined}
        marker-end={`url(#wf-arrow-${marker})`}
      />
      {(edge.label || edge.kind === "default") && (
        <text
          x={edge.labelAt[0] + 4}
          y={edge.labelAt[1]}
          class={`text-[11px] stroke-white dark:stroke-slate-800 ${
            red ? "fill-red-700 dark:fill-red-300" : "fill-slate-600 dark:fill-slate-300"
          }`}
          paint-order="stroke"
          stroke-width="3"
          stroke-linejoin="round"
        >
          <title>{edge.label ?? "Default"}</title>
          {short(edge.label ?? "Default", 28)}
        </text>
      )}
    </g>
  );
}

function Terminal(props: { node: PlacedNode; reached: boolean }) {
  const { node } = props;
  const r = node.w / 2;
  return (
    <g aria-hidden="true" data-node={node.id}>
      <circle
        cx={node.x + r}
        cy={node.y + r}
        r={node.type === "end" ? r - 3 : r - 4}
        class={props.reached
          ? "fill-sky-600 stroke-sky-600 dark:fill-sky-400 dark:stroke-sky-400"
          : "fill-slate-400 stroke-slate-400 dark:fill-slate-500 dark:stroke-slate-500"}
        stroke-width={node.type === "end" ? 3 : 0}
        fill-opacity={node.type === "end" ? 0.25 : 1}
      />
      <text
        x={node.x + node.w + 6}
        y={node.y + r + 4}
        class="text-[11px] fill-slate-500 dark:fill-slate-400"
      >
        {node.name === START_ID ? "Start" : "End"}
      </text>
    </g>
  );
}

/** Keyboard and pointer handlers that pick `id`. */
function picking(props: WorkflowGraphProps, id: string) {
  if (!props.onSelect) return {};
  return {
    // Lower case: on SVG elements Preact sets attributes, and SVG keeps their case.
    tabindex: 0,
    role: "button" as const,
    "aria-pressed": props.selected === id,
    onClick: () => props.onSelect!(id),
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        props.onSelect!(id);
      }
    },
  };
}

const FOCUS = "outline-none cursor-pointer";

/** A state's box, coloured by what it did, with the ring that shows keyboard focus. */
function Box(props: {
  node: PlacedNode;
  run: NodeRun | undefined;
  selected: boolean;
  rx: number;
  fillOpacity?: number;
}) {
  const { node } = props;
  return (
    <>
      <rect
        x={node.x}
        y={node.y}
        width={node.w}
        height={node.h}
        rx={props.rx}
        class={STATUS_CLASS[props.run?.status ?? "idle"]}
        fill-opacity={props.fillOpacity}
        stroke-width={props.selected ? 3 : 1.5}
      />
      <rect
        x={node.x - 4}
        y={node.y - 4}
        width={node.w + 8}
        height={node.h + 8}
        rx={props.rx + 4}
        fill="none"
        class="stroke-sky-500 opacity-0 group-focus-visible:opacity-100"
        stroke-width={2}
      />
    </>
  );
}

/** A state's name (shortened; the whole name as its tooltip). */
function Name(props: { node: PlacedNode; x: number; anchor: "start" | "middle" }) {
  return (
    <text
      x={props.x}
      y={props.node.y + 19}
      text-anchor={props.anchor}
      class="font-semibold fill-slate-900 dark:fill-slate-100"
    >
      <title>{props.node.name}</title>
      {short(props.node.name, NAME_CHARS)}
    </text>
  );
}

function State(props: WorkflowGraphProps & { node: PlacedNode; run: NodeRun | undefined }) {
  const { node, run } = props;
  const selected = props.selected === node.id;
  const rounded = node.type === "Choice"
    ? 18
    : node.type === "Succeed" || node.type === "Fail"
    ? node.h / 2
    : 8;
  return (
    <g
      {...picking(props, node.id)}
      aria-label={nodeDescription(node, run)}
      data-node={node.id}
      data-status={run?.status ?? "idle"}
      class={`group ${FOCUS}`}
    >
      <Box node={node} run={run} selected={selected} rx={rounded} />
      <Name node={node} x={node.x + node.w / 2} anchor="middle" />
      <text
        x={node.x + node.w / 2}
        y={node.y + 36}
        text-anchor="middle"
        class="text-[11px] fill-slate-500 dark:fill-slate-400"
      >
        {short(nodeCaption(node, run), 27)}
      </text>
    </g>
  );
}

function Group(props: WorkflowGraphProps & { node: PlacedNode; run: NodeRun | undefined }) {
  const { node, run } = props;
  const selected = props.selected === node.id;
  return (
    <g data-node={node.id} data-status={run?.status ?? "idle"}>
      <g
        {...picking(props, node.id)}
        aria-label={nodeDescription(node, run)}
        class={`group ${FOCUS}`}
      >
        <Box node={node} run={run} selected={selected} rx={10} fillOpacity={0.55} />
        <Name node={node} x={node.x + 10} anchor="start" />
        <text
          x={node.x + node.w - 10}
          y={node.y + 19}
          text-anchor="end"
          class="text-[11px] fill-slate-500 dark:fill-slate-400"
        >
          {short(nodeCaption(node, run), Math.max(8, Math.floor(node.w / 7) - NAME_CHARS))}
        </text>
      </g>
      {node.lanes.map((lane) => (
        <g key={lane.label} aria-hidden="true">
          <rect
            x={lane.x}
            y={lane.y}
            width={lane.w}
            height={lane.h}
            rx={6}
            fill="none"
            class="stroke-slate-300 dark:stroke-slate-600"
            stroke-dasharray="4 3"
          />
          <text
            x={lane.x + 6}
            y={lane.y + 13}
            class="text-[10px] fill-slate-500 dark:fill-slate-400"
          >
            {lane.label}
          </text>
        </g>
      ))}
    </g>
  );
}
