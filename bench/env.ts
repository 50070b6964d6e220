/**
 * The benchmarks' settings from environment variables (`BENCH_*`), each with a default; a
 * value that is not a positive number stops the benchmark with a message naming the variable.
 *
 * @module
 */

/** The numbers of variable `name`, comma-separated, or `fallback` when it is unset. */
export function envNumbers(name: string, fallback: readonly number[]): number[] {
  const text = Deno.env.get(name);
  if (text === undefined) return [...fallback];
  const values = text.split(",").map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new Error(`${name} must be positive numbers separated by commas, not "${text}"`);
  }
  return values;
}

/**
 * The number of variable `name`, or `fallback` when it is unset.
 *
 * @example
 * ```ts
 * import { envNumber } from "./env.ts";
 *
 * const runs = envNumber("BENCH_COLD_RUNS", 8);
 * console.log(runs);
 * ```
 */
export function envNumber(name: string, fallback: number): number {
  const values = envNumbers(name, [fallback]);
  if (values.length !== 1) throw new Error(`${name} must be one number, not several`);
  return values[0];
}
