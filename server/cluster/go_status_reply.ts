/**
 * The datagram a Go Serverledge edge reads as a neighbour's status: Go's `StatusInformation`
 * as JSON, in one datagram that fits the 1024-byte buffer Go reads it into (a longer one is cut
 * there, and its JSON no longer decodes).
 *
 * @module
 */
import type { GoNodeStatus, LoadReport, VivaldiCoordinate } from "../../protocol/status.ts";

/** The size of the buffer a Go edge reads a neighbour's status datagram into. */
export const GO_STATUS_DATAGRAM_BYTES = 1024;

/**
 * The coordinate of a node that made no observation yet, in the 3 dimensions of Go's nodes:
 * the origin, with the largest error (1.5) and the smallest height (1e-5) of hexablock/vivaldi.
 */
export const ZERO_VIVALDI_COORDINATE: Readonly<VivaldiCoordinate> = Object.freeze({
  Vec: [0, 0, 0],
  Error: 1.5,
  Adjustment: 0,
  Height: 1e-5,
});

/** What the status datagram tells: the node's load, as its `/load` gives it, and its drops. */
export type GoStatusFigures =
  & Pick<LoadReport, "Url" | "AvailableMemMB" | "AvailableCPUs" | "AvailableWarmContainers">
  & { DropCount: number };

const encoder = new TextEncoder();

/**
 * The status datagram of a node with `figures`, at most {@linkcode GO_STATUS_DATAGRAM_BYTES}
 * long: when every warm container count does not fit, the largest counts that fit are kept
 * (ties by name). `undefined` when it does not fit even without warm containers (a URL of
 * some 900 bytes).
 *
 * @example
 * ```ts
 * import { goStatusReply } from "./go_status_reply.ts";
 *
 * const datagram = goStatusReply({
 *   Url: "http://10.0.0.5:1323",
 *   AvailableWarmContainers: { hello: 2 },
 *   AvailableMemMB: 3072,
 *   AvailableCPUs: 3.5,
 *   DropCount: 0,
 * })!;
 * console.log(JSON.parse(new TextDecoder().decode(datagram)).AvailableWarmContainers); // { hello: 2 }
 * ```
 */
export function goStatusReply(figures: GoStatusFigures): Uint8Array | undefined {
  const warm = _fittingCounts(figures, GO_STATUS_DATAGRAM_BYTES - _encode(figures, {}).length);
  if (!warm) return undefined;
  return _encode(figures, warm);
}

/** The JSON of Go's `StatusInformation`, its fields in Go's order. */
function _encode(figures: GoStatusFigures, warm: Record<string, number>): Uint8Array {
  const status: GoNodeStatus = {
    Url: figures.Url,
    AvailableWarmContainers: warm,
    AvailableMemMB: figures.AvailableMemMB,
    AvailableCPUs: figures.AvailableCPUs,
    DropCount: figures.DropCount,
    Coordinates: ZERO_VIVALDI_COORDINATE,
  };
  return encoder.encode(JSON.stringify(status));
}

/**
 * The warm container counts that fit in `room` more bytes of JSON, largest first; `undefined`
 * when `room` is negative (the datagram does not fit at all).
 */
function _fittingCounts(
  figures: GoStatusFigures,
  room: number,
): Record<string, number> | undefined {
  if (room < 0) return undefined;
  const byCount = Object.entries(figures.AvailableWarmContainers)
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
  const kept: [string, number][] = [];
  let left = room;
  for (const [name, count] of byCount) {
    const separator = kept.length > 0 ? 1 : 0; // the comma before it
    const bytes = separator + encoder.encode(`${JSON.stringify(name)}:${count}`).length;
    if (bytes > left) continue;
    kept.push([name, count]);
    left -= bytes;
  }
  return Object.fromEntries(kept);
}
