/**
 * Minimal Prometheus text exposition: labelled counters and histograms, rendered in the
 * text format version 0.0.4. Written here rather than pulled in, to keep the compiled binaries
 * small and the hot path allocation-free.
 *
 * @module
 */

type Labels = Record<string, string>;

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return "";
  const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
  return `{${pairs.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
}

/**
 * The series key of `labels`: the same for the same names and values in any order, each name
 * and value prefixed by its length so that no two label sets share a key. Built on every
 * recorded request, so without intermediate arrays.
 */
function keyOf(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length > 1) names.sort();
  let key = "";
  for (const name of names) {
    const value = labels[name];
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/** A counter with labels. */
export class Counter {
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  /** @param name metric name @param help one-line description */
  constructor(readonly name: string, readonly help: string) {}

  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const series = this.#values.get(key);
    if (series) series.value += by;
    else this.#values.set(key, { labels, value: by });
  }

  /** The exposition lines. */
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.values()) {
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    }
    return lines.join("\n");
  }
}

/** A histogram with labels and fixed buckets (upper bounds, ascending). */
export class Histogram {
  readonly #series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; n: number }
  >();

  /** @param name metric name @param help one-line description @param buckets upper bounds */
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}

  /** Records one observation for `labels`. */
  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    let series = this.#series.get(key);
    if (!series) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, n: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) series.counts[i]++;
    series.sum += value;
    series.n++;
  }

  /** The exposition lines. */
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, n } of this.#series.values()) {
      this.buckets.forEach((bound, i) =>
        lines.push(`${this.name}_bucket${labelText(labels, ["le", String(bound)])} ${counts[i]}`)
      );
      lines.push(`${this.name}_bucket${labelText(labels, ["le", "+Inf"])} ${n}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${n}`);
    }
    return lines.join("\n");
  }
}

/** A gauge rendered from current values. */
export function gauge(name: string, help: string, series: [Labels, number][]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of series) lines.push(`${name}${labelText(labels)} ${value}`);
  return lines.join("\n");
}
