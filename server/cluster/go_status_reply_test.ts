import assert from "node:assert/strict";
import {
  GO_STATUS_DATAGRAM_BYTES,
  type GoStatusFigures,
  goStatusReply,
  ZERO_VIVALDI_COORDINATE,
} from "./go_status_reply.ts";

const FIGURES: GoStatusFigures = {
  Url: "http://10.0.0.5:1323",
  AvailableWarmContainers: { hello: 2 },
  AvailableMemMB: 3072,
  AvailableCPUs: 3.5,
  DropCount: 1,
};

const decode = (datagram: Uint8Array) => JSON.parse(new TextDecoder().decode(datagram));

Deno.test("goStatusReply() is Go's StatusInformation, with a zero 3-dimensional coordinate", () => {
  const text = new TextDecoder().decode(goStatusReply(FIGURES));
  assert.equal(
    text,
    '{"Url":"http://10.0.0.5:1323","AvailableWarmContainers":{"hello":2},"AvailableMemMB":3072,' +
      '"AvailableCPUs":3.5,"DropCount":1,' +
      '"Coordinates":{"Vec":[0,0,0],"Error":1.5,"Adjustment":0,"Height":0.00001}}',
  );
  assert.deepEqual(JSON.parse(text).Coordinates, ZERO_VIVALDI_COORDINATE);
});

Deno.test("goStatusReply() keeps the largest warm counts that fit in Go's 1024 bytes", () => {
  const warm: Record<string, number> = {};
  for (let i = 0; i < 100; i++) warm[`function-${String(i).padStart(3, "0")}`] = i;
  const datagram = goStatusReply({ ...FIGURES, AvailableWarmContainers: warm })!;
  assert.ok(datagram.length <= GO_STATUS_DATAGRAM_BYTES, `${datagram.length} bytes`);
  const kept = decode(datagram).AvailableWarmContainers as Record<string, number>;
  const counts = Object.values(kept).sort((a, b) => b - a);
  assert.ok(counts.length > 10 && counts.length < 100, `${counts.length} kept`);
  // The largest ones, and no room left for one more of the same size.
  assert.deepEqual(counts, Array.from({ length: counts.length }, (_, i) => 99 - i));
  assert.ok(datagram.length + `,"function-000":0`.length > GO_STATUS_DATAGRAM_BYTES);
});

Deno.test("goStatusReply() passes over a name too long to fit, for smaller ones that do", () => {
  const datagram = goStatusReply({
    ...FIGURES,
    AvailableWarmContainers: { ["x".repeat(900)]: 9, small: 1, ["é".repeat(450)]: 5 },
  })!;
  assert.ok(datagram.length <= GO_STATUS_DATAGRAM_BYTES);
  // "é" is two bytes in UTF-8: 450 of them do not fit, though 450 ASCII letters do.
  assert.deepEqual(decode(datagram).AvailableWarmContainers, { small: 1 });
  const ascii = goStatusReply({ ...FIGURES, AvailableWarmContainers: { ["e".repeat(450)]: 5 } })!;
  assert.deepEqual(Object.values(decode(ascii).AvailableWarmContainers), [5]);
});

Deno.test("goStatusReply() is exactly 1024 bytes when a count fits exactly, and none past it", () => {
  const empty = goStatusReply({ ...FIGURES, AvailableWarmContainers: {} })!.length;
  // An entry `"<name>":7` of exactly the room left fits; one byte longer does not.
  const room = GO_STATUS_DATAGRAM_BYTES - empty;
  const name = "n".repeat(room - `"":7`.length);
  const fitting = goStatusReply({ ...FIGURES, AvailableWarmContainers: { [name]: 7 } })!;
  assert.equal(fitting.length, GO_STATUS_DATAGRAM_BYTES);
  const over = goStatusReply({ ...FIGURES, AvailableWarmContainers: { [`${name}n`]: 7 } })!;
  assert.deepEqual(decode(over).AvailableWarmContainers, {});
});

Deno.test("goStatusReply() gives nothing when not even the figures fit", () => {
  assert.equal(goStatusReply({ ...FIGURES, Url: `http://${"h".repeat(1000)}:1323` }), undefined);
});

Deno.test("goStatusReply() keeps a function named __proto__ as a name", () => {
  const datagram = goStatusReply({ ...FIGURES, AvailableWarmContainers: { ["__proto__"]: 3 } })!;
  assert.match(new TextDecoder().decode(datagram), /"AvailableWarmContainers":\{"__proto__":3\}/);
});
