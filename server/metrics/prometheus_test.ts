// Series are keyed by their labels: the same names and values in any order are one series, and
// label sets that differ are never merged, whatever characters their values hold.
import assert from "node:assert/strict";
import { Counter, Histogram } from "./prometheus.ts";

Deno.test("the same labels in any order count in one series", () => {
  const counter = new Counter("requests_total", "Requests");
  counter.inc({ function: "f", outcome: "success" });
  counter.inc({ outcome: "success", function: "f" }, 2);
  assert.equal(
    counter.render(),
    '# HELP requests_total Requests\n# TYPE requests_total counter\nrequests_total{function="f",outcome="success"} 3',
  );
});

Deno.test("label sets that differ stay apart, whatever their values hold", () => {
  const counter = new Counter("c", "C");
  const sets: Record<string, string>[] = [
    { a: "1:b", b: "" },
    { a: "1", b: ":b" },
    { a: "", b: "1:b" },
    { a: "1:b1:" },
    { "a1:b": "" },
    {},
  ];
  for (const labels of sets) counter.inc(labels);
  const lines = counter.render().split("\n").slice(2);
  assert.equal(lines.length, sets.length, lines.join("\n"));
  assert.ok(lines.every((line) => line.endsWith(" 1")), lines.join("\n"));
});

Deno.test("a histogram keeps one series per label set, its buckets cumulative", () => {
  const histogram = new Histogram("d", "D", [0.1, 1]);
  histogram.observe({ function: "f" }, 0.05);
  histogram.observe({ function: "f" }, 0.5);
  histogram.observe({ function: "g" }, 2);
  assert.deepEqual(histogram.render().split("\n").slice(2), [
    'd_bucket{function="f",le="0.1"} 1',
    'd_bucket{function="f",le="1"} 2',
    'd_bucket{function="f",le="+Inf"} 2',
    'd_sum{function="f"} 0.55',
    'd_count{function="f"} 2',
    'd_bucket{function="g",le="0.1"} 0',
    'd_bucket{function="g",le="1"} 0',
    'd_bucket{function="g",le="+Inf"} 1',
    'd_sum{function="g"} 2',
    'd_count{function="g"} 1',
  ]);
});
