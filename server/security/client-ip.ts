import "server-only";
import { getConfig } from "@/server/config";
import { hashIp } from "./tokens";

/**
 * The keyed hash of the client's IP, or null when it cannot be known. Only
 * with TRUST_PROXY=1 is X-Forwarded-For believed (its first entry, set by
 * our own reverse proxy); otherwise anyone could write any address there.
 */
export function getClientIpHash(headers: Headers): string | null {
  const config = getConfig();
  if (!config.trustProxy) return null;
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  if (!forwarded || forwarded.length > 64) return null;
  return hashIp(forwarded, config.authSecret);
}

/**
 * The key that sign rate limits count under: the keyed hash of the client
 * IP. Without TRUST_PROXY it is the hash of X-Forwarded-For exactly as Next
 * passes it (`next start` sets it to the socket address only when the
 * request did not carry one), so a client that writes its own header picks
 * its own bucket: spoofable, and documented as such (decision 0011). Run
 * behind a proxy with TRUST_PROXY=1 in production.
 */
export function getRateLimitIpHash(headers: Headers): string {
  const trusted = getClientIpHash(headers);
  if (trusted) return trusted;
  const config = getConfig();
  const passed = headers.get("x-forwarded-for")?.trim().slice(0, 256);
  return hashIp(passed || "unknown", config.authSecret);
}
