/**
 * SHA-256 digests of secrets and their comparison in constant time, so that neither a token
 * lookup nor a cluster credential check tells an attacker how much of a guess was right.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The SHA-256 of `text`'s UTF-8 bytes. */
export function sha256(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Whether two digests are equal; the time taken does not depend on where they differ. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
