/**
 * Test fixture helpers for the programs a test runs as processes (the node, the balancer):
 * collecting what they print, and waiting until they answer.
 *
 * @module
 */
import { sleep } from "../timing/sleep.ts";

/** Hands what `stream` carries, decoded as UTF-8, to `sink` as it comes; resolves at its end. */
export async function pipeText(
  stream: ReadableStream<Uint8Array>,
  sink: (text: string) => void,
): Promise<void> {
  // A TextDecoder rather than TextDecoderStream: its types differ between Deno's and the DOM's
  // libs, and `deno check .` sees both once the dashboard's Preact (DOM) types are in.
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink(decoder.decode(chunk, { stream: true }));
}

/** Options of {@linkcode waitForStatus}. */
export interface WaitForStatusOptions {
  /** Headers of each `GET /status` (a token). */
  headers?: Record<string, string>;
  /** Milliseconds to wait. */
  timeoutMs: number;
  /** Whether the process has ended: waiting stops then. @default never */
  ended?: () => boolean;
}

/**
 * Polls `GET <url>/status` every 100 ms; resolves true once it answers 2xx, false once
 * `timeoutMs` have passed or the process has ended.
 */
export async function waitForStatus(url: string, options: WaitForStatusOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !options.ended?.()) {
    const up = await fetch(`${url}/status`, { headers: options.headers }).then(
      async (r) => (await r.body?.cancel(), r.ok),
      () => false,
    );
    if (up) return true;
    await sleep(100);
  }
  return false;
}
