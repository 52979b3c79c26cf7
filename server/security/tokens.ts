import "server-only";
import { createHash, createHmac, randomBytes } from "node:crypto";

/** A random token for a link, and the hash that is all the database keeps. */
export function createToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const REF_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

/** A short share code with ~49 bits of randomness: it says nothing about its owner. */
export function createRefCode(length = 10): string {
  const bytes = randomBytes(length);
  let code = "";
  for (const byte of bytes) code += REF_ALPHABET[byte % REF_ALPHABET.length];
  return code;
}

/** Keyed hash of a client IP: enough to spot a flood, useless to find a person. */
export function hashIp(ip: string, secret: string): string {
  return createHmac("sha256", secret).update(`ip:${ip}`).digest("base64url").slice(0, 22);
}
