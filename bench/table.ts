/**
 * The one table every benchmark module prints: a row per figure, the node's value beside a
 * floor measured in the same run, and how the two compare.
 *
 * @module
 */

/** One figure: its name, the node's value, the floor's value, and node vs floor. */
export type Row = [figure: string, node: string, floor: string, ratio: string];

/** A benchmark module's entry point: measures and resolves its rows. */
export type BenchRun = () => Promise<Row[]>;

const HEADER: Row = ["figure", "node", "floor", "node vs floor"];

/**
 * The rows as aligned text lines under a header.
 *
 * @example
 * ```ts
 * import { formatTable } from "./table.ts";
 *
 * console.log(formatTable([["warm invoke p50", "0.61 ms", "0.46 ms", "+0.15 ms"]]));
 * ```
 */
export function formatTable(rows: readonly Row[]): string {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [HEADER, ...rows]
    .map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n");
}

/** Runs `run` and prints its rows as a table: a module's `import.meta.main` entry. */
export async function printRun(run: BenchRun): Promise<void> {
  console.log(formatTable(await run()));
}
