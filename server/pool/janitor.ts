/**
 * The janitor: every `janitor.interval` seconds it removes idle containers older than
 * `container.expiration`.
 *
 * @module
 */
import type { ContainerPool } from "./pool.ts";

/** Starts the janitor; returns a function that stops it. The timer never keeps Deno alive. */
export function startJanitor(pool: ContainerPool, intervalSeconds: number): () => void {
  const timer = setInterval(() => {
    pool.expireIdle().catch((error) =>
      console.error("Janitor could not expire containers:", error)
    );
  }, intervalSeconds * 1000);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
