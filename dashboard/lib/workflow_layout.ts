/**
 * A layered layout of a workflow's state graph for the dashboard to draw as SVG: states in
 * layers from the start downwards (the longest forward path decides a state's layer), Parallel
 * branches and Map processors laid out inside their state as lanes side by side, forward edges
 * as curves between layers and edges that go back up (loops, catchers above) routed around the
 * right side.
 *
 * Node ids follow the structure of step ids: a state's name at the top level, and
 * `<Parallel>/<branch index>/<name>` or `<Map>/0/<name>` inside a branch or a Map's processor.
 *
 * @module
 */
import type { GraphEdge, GraphNode, StateGraph } from "../../asl/mod.ts";

/** The kinds of transition the graph draws. */
export type EdgeKind = GraphEdge["kind"];

/** A state of one scope as the layout sees it: a group when it has lanes. */
interface ScopeNode {
  name: string;
  type: string;
  resource?: string;
  /** A Parallel's branches, or a Map's processor (one). */
  lanes: readonly StateGraph[];
}

/** A transition inside one scope (transitions to the end have `to` set to the End terminal). */
interface ScopeEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

/** One machine (the top level, a branch, a processor) as the layout sees it. */
interface ScopeInput {
  startAt: string;
  nodes: readonly ScopeNode[];
  edges: readonly ScopeEdge[];
}

function scopeNode(node: GraphNode): ScopeNode {
  return {
    name: node.name,
    type: node.type,
    resource: node.resource,
    lanes: node.branches ?? (node.processor ? [node.processor] : []),
  };
}

/** A nested machine's states and its transitions between them (its ends are its group's). */
function nestedScope(graph: StateGraph): ScopeInput {
  return {
    startAt: graph.startAt,
    nodes: graph.nodes.map(scopeNode),
    edges: graph.edges.filter((e): e is GraphEdge & { to: string } => e.to !== null),
  };
}

/** A definition read into its graph, or why it cannot be. */
export type GraphResult = { ok: true; graph: StateGraph } | { ok: false; error: string };

/** A point. */
export type Point = readonly [x: number, y: number];

/** A state placed on the drawing. */
export interface PlacedNode {
  /** Its id (see the module's doc). */
  id: string;
  /** The state's name. */
  name: string;
  /** Its type, or `start` / `end` for the drawing's terminals. */
  type: string;
  /** A Task's function. */
  resource?: string;
  /** Left. */
  x: number;
  /** Top. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
  /** The lanes inside a Parallel (one per branch) or a Map (its processor). */
  lanes: readonly Lane[];
}

/** A lane inside a Parallel or Map state. */
export interface Lane {
  /** What it is: `Branch 1`, `Each item`. */
  label: string;
  /** Left. */
  x: number;
  /** Top. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
}

/** A transition placed on the drawing. */
export interface PlacedEdge {
  /** Unique id. */
  id: string;
  /** Id of the node it leaves. */
  from: string;
  /** Id of the node it enters. */
  to: string;
  /** What makes it (`next` for the terminals' edges). */
  kind: EdgeKind;
  /** Its label, if any. */
  label?: string;
  /** Whether it goes back up (drawn around the right side). */
  back: boolean;
  /** A poly-Bézier (1 + 3n points) for forward edges, a polyline for back edges. */
  points: readonly Point[];
  /** Where its label goes. */
  labelAt: Point;
}

/** A laid-out graph. */
export interface GraphLayout {
  /** Width of the drawing. */
  width: number;
  /** Height of the drawing. */
  height: number;
  /** Every node, groups before the nodes inside them. */
  nodes: readonly PlacedNode[];
  /** Every edge. */
  edges: readonly PlacedEdge[];
}

/** Sizes of the layout, in SVG units (CSS pixels at scale 1). */
export const LAYOUT = {
  nodeWidth: 168,
  nodeHeight: 46,
  terminal: 22,
  layerGap: 54,
  nodeGap: 24,
  laneGap: 14,
  lanePadding: 12,
  groupHeader: 30,
  laneHeader: 18,
  margin: 16,
  backGap: 14,
  passWidth: 12,
} as const;

/** The id of a state named `name` in the scope whose prefix is `prefix` (`""` at the top). */
export function nodeId(prefix: string, name: string): string {
  return prefix + name;
}

/** The ids of the drawing's terminals. */
export const START_ID = "(start)";
/** The id of the End terminal. */
export const END_ID = "(end)";

/**
 * Lays out `graph` with a Start terminal before its first state and an End one that its ends
 * (an `End`, a Succeed, a Fail) lead to.
 */
export function layoutGraph(graph: StateGraph): GraphLayout {
  const edges: ScopeEdge[] = graph.edges.map((e) => ({
    from: e.from,
    to: e.to ?? END_ID,
    kind: e.kind,
    label: e.label,
  }));
  const ends = edges.some((e) => e.to === END_ID);
  const scope = layoutScope({
    startAt: START_ID,
    nodes: [
      { name: START_ID, type: "start", lanes: [] },
      ...graph.nodes.map(scopeNode),
      ...(ends ? [{ name: END_ID, type: "end", lanes: [] }] : []),
    ],
    edges: [{ from: START_ID, to: graph.startAt, kind: "next" }, ...edges],
  }, "");
  const m = LAYOUT.margin;
  return {
    width: scope.width + 2 * m,
    height: scope.height + 2 * m,
    nodes: scope.nodes.map((n) => shiftNode(n, m, m)),
    edges: scope.edges.map((e) => shiftEdge(e, m, m)),
  };
}

interface ScopeLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

interface Sized {
  input: ScopeNode;
  id: string;
  w: number;
  h: number;
  /** The laid-out lanes of a group, relative to the group's top left. */
  inner: { lane: Lane; layout: ScopeLayout }[];
}

function sizeNode(input: ScopeNode, prefix: string): Sized {
  const id = nodeId(prefix, input.name);
  if (input.type === "start" || input.type === "end") {
    return { input, id, w: LAYOUT.terminal, h: LAYOUT.terminal, inner: [] };
  }
  if (input.lanes.length === 0) {
    return { input, id, w: LAYOUT.nodeWidth, h: LAYOUT.nodeHeight, inner: [] };
  }
  const isMap = input.type === "Map";
  const lanes = input.lanes.map((lane, i) => layoutScope(nestedScope(lane), `${id}/${i}/`));
  const { lanePadding: pad, laneGap, groupHeader, laneHeader } = LAYOUT;
  const laneHeight = Math.max(...lanes.map((l) => l.height)) + laneHeader + pad;
  let x = pad;
  const inner = lanes.map((layout, i) => {
    const w = Math.max(layout.width + 2 * pad, LAYOUT.nodeWidth / 2);
    const lane: Lane = {
      label: isMap ? "Each item" : `Branch ${i + 1}`,
      x,
      y: groupHeader,
      w,
      h: laneHeight,
    };
    x += w + laneGap;
    return { lane, layout };
  });
  const w = Math.max(LAYOUT.nodeWidth, x - laneGap + pad);
  // Centre the lanes when the group is wider than they are.
  const slack = (w - (x - laneGap + pad)) / 2;
  for (const { lane } of inner) lane.x += slack;
  return { input, id, w, h: groupHeader + laneHeight + pad, inner };
}

/** Lays out one machine (the top level, a branch, a processor) with its top left at 0, 0. */
function layoutScope(graph: ScopeInput, prefix: string): ScopeLayout {
  const sized = new Map(graph.nodes.map((n) => [n.name, sizeNode(n, prefix)]));
  const edges = graph.edges.filter((e) => sized.has(e.from) && sized.has(e.to));
  const out = new Map<string, ScopeEdge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);

  // Depth-first from the start (then from any state not reached): back edges close a cycle.
  const order: string[] = [];
  const back = new Set<ScopeEdge>();
  const state = new Map<string, "open" | "done">();
  const visit = (name: string) => {
    state.set(name, "open");
    order.push(name);
    for (const e of out.get(name) ?? []) {
      const s = state.get(e.to);
      if (s === "open") back.add(e);
      else if (s === undefined) visit(e.to);
    }
    state.set(name, "done");
  };
  if (sized.has(graph.startAt)) visit(graph.startAt);
  for (const name of sized.keys()) if (!state.has(name)) visit(name);

  // Longest-path layers over the forward edges, in a topological order.
  const forward = edges.filter((e) => !back.has(e));
  const indegree = new Map([...sized.keys()].map((n) => [n, 0]));
  for (const e of forward) indegree.set(e.to, indegree.get(e.to)! + 1);
  const layer = new Map([...sized.keys()].map((n) => [n, 0]));
  const queue = order.filter((n) => indegree.get(n) === 0);
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const e of forward) {
      if (e.from !== name) continue;
      layer.set(e.to, Math.max(layer.get(e.to)!, layer.get(name)! + 1));
      indegree.set(e.to, indegree.get(e.to)! - 1);
      if (indegree.get(e.to) === 0) queue.push(e.to);
    }
  }
  // An edge that spans several layers passes through a slot of its own in each layer between
  // (a "dummy" of the layered layout), so that it runs beside the states, not through them.
  const passes = new Map<ScopeEdge, string[]>();
  for (const e of forward) {
    const ids: string[] = [];
    for (let depth = layer.get(e.from)! + 1; depth < layer.get(e.to)!; depth++) {
      const id = `\u0001${passes.size}/${depth}`;
      layer.set(id, depth);
      ids.push(id);
    }
    if (ids.length > 0) passes.set(e, ids);
  }
  const links = forward.flatMap((e) => {
    const chain = [e.from, ...(passes.get(e) ?? []), e.to];
    return chain.slice(1).map((to, i) => ({ from: chain[i], to }));
  });
  const layers: string[][] = [];
  for (const name of [...order, ...[...passes.values()].flat()]) {
    (layers[layer.get(name)!] ??= []).push(name);
  }

  // One downward pass orders each layer by the mean position of its predecessors.
  const position = new Map<string, number>();
  layers.forEach((names, depth) => {
    if (depth > 0) {
      const rank = (name: string) => {
        const from = links.filter((e) => e.to === name).map((e) => position.get(e.from) ?? 0);
        return from.length ? from.reduce((a, b) => a + b, 0) / from.length : 0;
      };
      const ranks = new Map(names.map((n) => [n, rank(n)]));
      names.sort((a, b) => ranks.get(a)! - ranks.get(b)!);
    }
    names.forEach((n, i) => position.set(n, i));
  });

  // Coordinates: layers stacked, each centred on the widest.
  const sizeOf = (name: string) => sized.get(name) ?? { w: LAYOUT.passWidth, h: 0 };
  const widthOf = (names: string[]) =>
    names.reduce((w, n) => w + sizeOf(n).w, 0) + LAYOUT.nodeGap * (names.length - 1);
  const width = Math.max(0, ...layers.map(widthOf));
  const placed = new Map<string, PlacedNode>();
  /** Where each pass runs: its x and the layer band it crosses. */
  const slots = new Map<string, { x: number; top: number; bottom: number }>();
  const nodes: PlacedNode[] = [];
  const innerEdges: PlacedEdge[] = [];
  let y = 0;
  for (const names of layers) {
    const height = Math.max(...names.map((n) => sizeOf(n).h));
    let x = (width - widthOf(names)) / 2;
    for (const name of names) {
      const s = sized.get(name);
      if (!s) {
        slots.set(name, { x: x + LAYOUT.passWidth / 2, top: y, bottom: y + height });
        x += LAYOUT.passWidth + LAYOUT.nodeGap;
        continue;
      }
      const top = y + (height - s.h) / 2;
      const node: PlacedNode = {
        id: s.id,
        name,
        type: s.input.type,
        resource: s.input.resource,
        x,
        y: top,
        w: s.w,
        h: s.h,
        lanes: s.inner.map(({ lane }) => ({ ...lane, x: lane.x + x, y: lane.y + top })),
      };
      placed.set(name, node);
      nodes.push(node);
      for (const { lane, layout } of s.inner) {
        const dx = x + lane.x + (lane.w - layout.width) / 2;
        const dy = top + lane.y + LAYOUT.laneHeader;
        nodes.push(...layout.nodes.map((n) => shiftNode(n, dx, dy)));
        innerEdges.push(...layout.edges.map((e) => shiftEdge(e, dx, dy)));
      }
      x += s.w + LAYOUT.nodeGap;
    }
    y += height + LAYOUT.layerGap;
  }
  const height = Math.max(0, y - LAYOUT.layerGap);

  // Edges: forward ones leave the bottom (spread when a state has several) and enter the top;
  // back ones run up a track of their own on the right.
  let backTracks = 0;
  const placedEdges: PlacedEdge[] = [];
  for (const [from, list] of out) {
    const a = placed.get(from)!;
    const leaving = list.filter((e) => !back.has(e));
    leaving.forEach((e, i) => {
      const b = placed.get(e.to)!;
      const through = (passes.get(e) ?? []).map((id) => slots.get(id)!);
      const waypoints: Point[] = [
        [a.x + (a.w * (i + 1)) / (leaving.length + 1), a.y + a.h],
        ...through.flatMap(({ x, top, bottom }): Point[] => [[x, top], [x, bottom]]),
        [b.x + b.w / 2, b.y],
      ];
      const points = smoothThrough(waypoints);
      // Labels of sibling edges at staggered heights, so that they do not sit on each other.
      const t = leaving.length > 1 ? 0.2 + (0.5 * i) / (leaving.length - 1) : 0.3;
      placedEdges.push(edge(prefix, e, false, points, bezierAt(points.slice(0, 4), t)));
    });
    for (const e of list.filter((e) => back.has(e))) {
      const b = placed.get(e.to)!;
      const track = width + LAYOUT.backGap * (1 + backTracks++);
      const points: Point[] = [
        [a.x + a.w, a.y + a.h / 2],
        [track, a.y + a.h / 2],
        [track, b.y + b.h / 2],
        [b.x + b.w, b.y + b.h / 2],
      ];
      placedEdges.push(edge(prefix, e, true, points, [track + 4, (a.y + b.y + b.h) / 2]));
    }
  }
  return {
    width: width + (backTracks > 0 ? LAYOUT.backGap * (backTracks + 1) : 0),
    height,
    nodes,
    edges: [...placedEdges, ...innerEdges],
  };
}

function edge(
  prefix: string,
  e: ScopeEdge,
  back: boolean,
  points: Point[],
  labelAt: Point,
): PlacedEdge {
  const from = nodeId(prefix, e.from);
  const to = nodeId(prefix, e.to);
  return {
    id: `${from}->${to}:${e.kind}:${e.label ?? ""}`,
    from,
    to,
    kind: e.kind,
    label: e.label,
    back,
    points,
    labelAt,
  };
}

/**
 * A poly-Bézier (1 + 3n points) through `waypoints`, taken in pairs: from a bottom to the next
 * top it bends vertically; across a layer (a pass's top to its bottom) it runs straight.
 */
function smoothThrough(waypoints: readonly Point[]): Point[] {
  const points: Point[] = [waypoints[0]];
  for (let i = 1; i < waypoints.length; i++) {
    const [a, b] = [waypoints[i - 1], waypoints[i]];
    const across = i % 2 === 0; // a pass's top → bottom
    const bend = across ? 0 : (b[1] - a[1]) / 2;
    points.push([a[0], a[1] + bend], [b[0], b[1] - bend], b);
  }
  return points;
}

/** The point at `t` (0–1) of the cubic Bézier `points`. */
export function bezierAt(points: readonly Point[], t: number): Point {
  const [p0, p1, p2, p3] = points;
  const u = 1 - t;
  const at = (i: 0 | 1) =>
    u * u * u * p0[i] + 3 * u * u * t * p1[i] + 3 * u * t * t * p2[i] + t * t * t * p3[i];
  return [at(0), at(1)];
}

/** The SVG path data of an edge. */
export function edgePath(edge: PlacedEdge): string {
  const [first, ...rest] = edge.points.map(([x, y]) => `${round(x)} ${round(y)}`);
  return edge.back ? `M${first} L${rest.join(" L")}` : `M${first} C${rest.join(" ")}`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function shiftNode(n: PlacedNode, dx: number, dy: number): PlacedNode {
  return {
    ...n,
    x: n.x + dx,
    y: n.y + dy,
    lanes: n.lanes.map((l) => ({ ...l, x: l.x + dx, y: l.y + dy })),
  };
}

function shiftEdge(e: PlacedEdge, dx: number, dy: number): PlacedEdge {
  return {
    ...e,
    points: e.points.map(([x, y]) => [x + dx, y + dy] as const),
    labelAt: [e.labelAt[0] + dx, e.labelAt[1] + dy],
  };
}
