/**
 * Asking one node for its load (`GET /load`): what the cluster view polls its neighbours and
 * cloud nodes with, and `serverledge-lb` its targets.
 *
 * @module
 */
import type { LoadReport } from "../../protocol/status.ts";

/**
 * The load report of the node at `baseUrl`, asked with `headers` (the cluster credential);
 * rejects when it does not answer 2xx within `timeoutMs`.
 */
export async function fetchLoad(
  baseUrl: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<LoadReport> {
  const response = await fetch(`${baseUrl}/load`, {
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET /load answered ${response.status}`);
  }
  return await response.json() as LoadReport;
}
