import "server-only";
import { hash, randomFillSync } from "node:crypto";

// Random bytes are drawn from a pool filled 4 KB at a time: the sign path
// needs ~120 bytes per signature, and one call per token cost more than
// the rest of token making (decision 0013). Same CSPRNG; no byte is used twice.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `size` fresh bytes from the CSPRNG (a copy: callers may keep it). */
export function randomBytesFromPool(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (poolOffset + size > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  pool.fill(0, poolOffset, poolOffset + size);
  poolOffset += size;
  return bytes;
}

/** Base-36 milliseconds, fixed width: sorts like the time itself until the year 5188. */
const TIME_PREFIX_LENGTH = 9;
let lastPrefix = { now: Number.NaN, prefix: "" };
export function timePrefix(now = Date.now()): string {
  // A signature's three tokens and its Message-ID share one `now`.
  if (now !== lastPrefix.now) lastPrefix = { now, prefix: now.toString(36).padStart(TIME_PREFIX_LENGTH, "0") };
  return lastPrefix.prefix;
}

const RANDOM_TOKEN_LENGTH = 43; // 32 bytes, base64url
const TIMED_TOKEN_LENGTH = TIME_PREFIX_LENGTH + RANDOM_TOKEN_LENGTH;

/**
 * A random token for a link, and the hash that is all the database keeps.
 * The token starts with the time it was made and its hash keeps that
 * prefix, so new rows land at the end of the token index instead of on a
 * random page of it (fewer pages written per signature, decision 0013).
 * The 32 random bytes are the secret; the prefix says only when the email
 * was sent, to whoever holds the link.
 */
export function createToken(now = Date.now()): { token: string; tokenHash: string } {
  const token = `${timePrefix(now)}${randomBytesFromPool(32).toString("base64url")}`;
  return { token, tokenHash: hashToken(token) };
}

/** The stored form of a token: SHA-256, behind its time prefix when it has one (tokens made before decision 0013 have none). */
export function hashToken(token: string): string {
  // One-shot hash (Node ≥ 20.12, package.json engines): no Hash object per token.
  const digest = hash("sha256", token, "hex");
  return token.length === TIMED_TOKEN_LENGTH ? `${token.slice(0, TIME_PREFIX_LENGTH)}${digest}` : digest;
}

const REF_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

/** A short share code with ~49 bits of randomness: it says nothing about its owner. */
export function createRefCode(length = 10): string {
  const bytes = randomBytesFromPool(length);
  let code = "";
  for (const byte of bytes) code += REF_ALPHABET[byte % REF_ALPHABET.length];
  return code;
}
