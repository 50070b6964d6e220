import assert from "node:assert/strict";
import { SseParser } from "./sse.ts";

Deno.test("SseParser dispatches events at blank lines, across chunk boundaries", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("event: status\nda"), []);
  assert.deepEqual(parser.push('ta: {"Id":"a"}\n'), []);
  assert.deepEqual(parser.push("\nevent: invocation\ndata: 1\n\n"), [
    { event: "status", data: '{"Id":"a"}', id: "" },
    { event: "invocation", data: "1", id: "" },
  ]);
});

Deno.test("SseParser joins data lines, ignores comments and defaults the event name", () => {
  const parser = new SseParser();
  const events = parser.push(": keep-alive\ndata: a\ndata:b\nid: 7\nretry: 1500\n\n");
  assert.deepEqual(events, [{ event: "message", data: "a\nb", id: "7" }]);
  assert.equal(parser.retry, 1500);
});

Deno.test("SseParser accepts CRLF and CR line ends, a CRLF split between chunks", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("event: x\r\ndata: 1\r"), []);
  assert.deepEqual(parser.push("\n\r\n"), [{ event: "x", data: "1", id: "" }]);
  assert.deepEqual(parser.push("data: 2\r\r"), [{ event: "message", data: "2", id: "" }]);
});

Deno.test("SseParser drops an event without data and resets the name after each event", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("event: lonely\n\ndata: 3\n\n"), [
    { event: "message", data: "3", id: "" },
  ]);
});
