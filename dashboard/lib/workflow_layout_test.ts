import assert from "node:assert/strict";
import {
  bezierAt,
  edgePath,
  END_ID,
  layoutGraph,
  type PlacedNode,
  START_ID,
} from "./workflow_layout.ts";
import { TEN_STATES } from "../testing/ten_states.ts";

function overlap(a: PlacedNode, b: PlacedNode): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function inside(inner: PlacedNode, outer: { x: number; y: number; w: number; h: number }) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w &&
    inner.y + inner.h <= outer.y + outer.h;
}

Deno.test("layoutGraph places every state once, nested ones by their step-like ids", () => {
  const layout = layoutGraph(TEN_STATES);
  const ids = layout.nodes.map((n) => n.id).sort();
  assert.deepEqual(
    ids,
    [
      START_ID,
      END_ID,
      "Check",
      "Done",
      "Each",
      "Each/0/Square",
      "Failed",
      "Fan",
      "Fan/0/Left",
      "Fan/0/Left2",
      "Fan/1/Right",
      "Fetch",
      "Merge",
      "Recover",
      "Route",
      "Wait",
    ].sort(),
  );
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  assert.equal(byId.get("Fan")!.lanes.length, 2);
  assert.deepEqual(byId.get("Fan")!.lanes.map((l) => l.label), ["Branch 1", "Branch 2"]);
  assert.deepEqual(byId.get("Each")!.lanes.map((l) => l.label), ["Each item"]);
  assert.equal(byId.get("Fetch")!.resource, "fetch");
});

Deno.test("layoutGraph: no two states overlap, nested ones sit in their lane, all fit", () => {
  const layout = layoutGraph(TEN_STATES);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const groupOf = (id: string) => id.includes("/") ? id.slice(0, id.indexOf("/")) : undefined;
  for (const a of layout.nodes) {
    assert.ok(a.x >= 0 && a.y >= 0, a.id);
    assert.ok(a.x + a.w <= layout.width && a.y + a.h <= layout.height, a.id);
    for (const b of layout.nodes) {
      if (a === b || groupOf(a.id) === b.id || groupOf(b.id) === a.id) continue;
      assert.ok(!overlap(a, b), `${a.id} overlaps ${b.id}`);
    }
  }
  const fan = byId.get("Fan")!;
  assert.ok(inside(byId.get("Fan/0/Left")!, fan.lanes[0]));
  assert.ok(inside(byId.get("Fan/0/Left2")!, fan.lanes[0]));
  assert.ok(inside(byId.get("Fan/1/Right")!, fan.lanes[1]));
  assert.ok(inside(byId.get("Each/0/Square")!, byId.get("Each")!.lanes[0]));
  assert.ok(byId.get("Fan/0/Left2")!.y > byId.get("Fan/0/Left")!.y);
});

Deno.test("layoutGraph: forward edges go down, the loop goes back up on the right", () => {
  const layout = layoutGraph(TEN_STATES);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const loop = layout.edges.find((e) => e.from === "Wait" && e.to === "Fetch")!;
  assert.equal(loop.back, true);
  // Its vertical run clears every state.
  const right = Math.max(...layout.nodes.map((n) => n.x + n.w));
  assert.ok(loop.points[1][0] > right && loop.points[1][0] === loop.points[2][0]);
  assert.match(edgePath(loop), /^M[\d. ]+ L/);
  for (const e of layout.edges.filter((e) => !e.back)) {
    const [from, to] = [byId.get(e.from)!, byId.get(e.to)!];
    assert.ok(to.y > from.y, `${e.id} goes down`);
    assert.deepEqual(e.points[0][1], from.y + from.h, `${e.id} leaves the bottom`);
    assert.deepEqual(e.points.at(-1), [to.x + to.w / 2, to.y], `${e.id} enters the top middle`);
    assert.equal((e.points.length - 1) % 3, 0);
    assert.match(edgePath(e), /^M[\d. ]+ C/);
  }
  // The choice's three edges leave from three distinct points, each with its label.
  const route = layout.edges.filter((e) => e.from === "Route");
  assert.equal(new Set(route.map((e) => e.points[0][0])).size, 3);
  assert.deepEqual(route.map((e) => e.kind).sort(), ["choice", "choice", "default"]);
  assert.ok(layout.edges.some((e) => e.kind === "catch" && e.label === "States.ALL"));
  // Terminals: Start before the first state, End after Succeed, Fail and branch-less ends.
  assert.ok(layout.edges.some((e) => e.from === START_ID && e.to === "Fetch"));
  assert.ok(layout.edges.some((e) => e.from === "Done" && e.to === END_ID));
  const failed = layout.edges.find((e) => e.from === "Failed" && e.to === END_ID);
  assert.equal(failed?.kind, "fail");
  assert.equal(failed?.label, "Check.Failed");
  // Inside the branch, the edge is there with nested ids.
  assert.ok(layout.edges.some((e) => e.from === "Fan/0/Left" && e.to === "Fan/0/Left2"));
});

Deno.test("layoutGraph: a forward edge runs beside the states it passes, not through them", () => {
  const layout = layoutGraph(TEN_STATES);
  const top = layout.nodes.filter((n) => !n.id.includes("/"));
  const recover = layout.edges.find((e) => e.from === "Recover" && e.to === "Failed")!;
  assert.ok(recover.points.length > 4, "it passes through the layers between");
  for (const e of layout.edges.filter((e) => !e.back && !e.from.includes("/"))) {
    for (let i = 0; i + 3 < e.points.length; i += 3) {
      for (const t of [0.1, 0.3, 0.5, 0.7, 0.9]) {
        const [x, y] = bezierAt(e.points.slice(i, i + 4), t);
        for (const n of top) {
          if (n.id === e.from || n.id === e.to) continue;
          const inside = x > n.x && x < n.x + n.w && y > n.y && y < n.y + n.h;
          assert.ok(!inside, `${e.id} crosses ${n.id} at ${x}, ${y}`);
        }
      }
    }
  }
});

Deno.test("layoutGraph: a single state, and a drawing readable at 10 states", () => {
  const one = layoutGraph({
    startAt: "Only",
    nodes: [{ name: "Only", type: "Pass" }],
    edges: [{ from: "Only", to: null, kind: "end" }],
  });
  assert.equal(one.nodes.length, 3);
  const layout = layoutGraph(TEN_STATES);
  // Readable: no wider than a desktop page, states at full size.
  assert.ok(layout.width < 1200, `width ${layout.width}`);
  assert.ok(layout.nodes.filter((n) => n.type === "Task").every((n) => n.w >= 160));
});

Deno.test("bezierAt answers the ends and a point between", () => {
  const points = [[0, 0], [0, 10], [10, 10], [10, 20]] as const;
  assert.deepEqual(bezierAt(points, 0), [0, 0]);
  assert.deepEqual(bezierAt(points, 1), [10, 20]);
  assert.deepEqual(bezierAt(points, 0.5), [5, 10]);
});
