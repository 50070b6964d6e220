/**
 * Function name patterns of tokens: `*` stands for any run of characters, everything else
 * for itself (`teamA-*` matches `teamA-report`, not `teamB-report`).
 *
 * @module
 */

/** A test of function names against `pattern` (a `FUNCTION_PATTERN` of `protocol/auth.ts`). */
export function patternMatcher(pattern: string): (name: string) => boolean {
  const literal = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  const regex = new RegExp(`^${pattern.split("*").map(literal).join(".*")}$`);
  return (name) => regex.test(name);
}
