/**
 * Test fixture: reading a node's `/events` stream.
 *
 * @module
 */
import assert from "node:assert/strict";

/**
 * Reads the Server-Sent Events of `url` while `whileOpen` runs, until `done` says enough (or
 * the stream ends); resolves them, once `whileOpen` has settled.
 */
export async function readEvents(
  url: string,
  done: (events: { event: string; data: unknown }[]) => boolean,
  whileOpen: () => Promise<unknown>,
) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const events: { event: string; data: unknown }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const action = whileOpen();
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    controller.abort();
    await action;
  }
  return events;
}
