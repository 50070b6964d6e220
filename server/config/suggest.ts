/**
 * Warnings for config keys this node does not know: Serverledge keys it does not use are named
 * as such, a likely typo gets a "did you mean" with the nearest known key.
 *
 * @example
 * ```ts
 * import { unknownKeyWarning } from "./suggest.ts";
 *
 * console.log(unknownKeyWarning("api.prot", '"node.yaml"'));
 * // Ignoring unknown config key "api.prot" in "node.yaml": did you mean "api.port"?
 * ```
 *
 * @module
 */
import { CONFIG_KEYS } from "./keys.ts";

/** Serverledge keys this node does not use: ignored with a specific warning. */
const SERVERLEDGE_ONLY: ReadonlySet<string> = new Set([
  "cache.size",
  "cache.cleanup",
  "cache.expiration",
  "metrics.prometheus.host",
  "metrics.prometheus.port",
  "metrics.port",
  "tracing.outfile",
  "scheduler.version",
  "scheduler.cloud.cost",
  "scheduler.local.budget",
  "solver.evalinterval",
]);

/** The least number of one-character insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The warning for an unknown key: Serverledge keys this node does not use are said to be
 * unused; other keys get the known key at most two edits away as a hint, if there is one.
 *
 * @param key the dotted, lower-case key
 * @param where where it was written, e.g. `"node.yaml"` with the quotes
 */
export function unknownKeyWarning(key: string, where: string): string {
  if (SERVERLEDGE_ONLY.has(key)) {
    return `Ignoring config key "${key}" in ${where}: this node does not use it`;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const { name } of CONFIG_KEYS) {
    const d = editDistance(key, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  const hint = best === undefined ? "" : `: did you mean "${best}"?`;
  return `Ignoring unknown config key "${key}" in ${where}${hint}`;
}
