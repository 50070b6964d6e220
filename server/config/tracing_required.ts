/**
 * `tracing.enabled` asks for what only Deno can turn on: its OpenTelemetry, read from
 * `OTEL_DENO=true` at process start. A program started with the key but without the variable
 * refuses to start rather than run untraced.
 *
 * @module
 */
import { tracingActive } from "../tracing/tracing.ts";
import { ConfigError } from "./error.ts";

/**
 * Throws when `tracingEnabled` (`tracing.enabled`) is set but Deno's OpenTelemetry is off;
 * `program` names what is started (`the node`, `serverledge-lb`).
 *
 * @throws {ConfigError} saying to start `program` with `OTEL_DENO=true`
 */
export function requireTracing(tracingEnabled: boolean, program: string): void {
  if (!tracingEnabled || tracingActive()) return;
  throw new ConfigError(
    `"tracing.enabled" is true, but Deno's OpenTelemetry is off: start ${program} with ` +
      `OTEL_DENO=true in its environment (Deno reads it at process start)`,
    "tracing.enabled",
  );
}
