import "server-only";
import { getConfig } from "@/server/config";
import { hashIpAddress } from "@/server/privacy/daily-hash-keys";

/**
 * The keyed hash of the client's IP, or null when it cannot be known. Only
 * with TRUST_PROXY=1 is X-Forwarded-For believed (its first entry, set by
 * our own reverse proxy); otherwise anyone could write any address there.
 */
export function getClientIpHash(headers: Headers): string | null {
  return hashForwardedFor(headers.get("x-forwarded-for"));
}

function hashForwardedFor(forwardedFor: string | null | undefined): string | null {
  const config = getConfig();
  if (!config.trustProxy) return null;
  const forwarded = forwardedFor?.split(",")[0]?.trim();
  if (!forwarded || forwarded.length > 64) return null;
  return hashIpAddress(forwarded);
}

/**
 * The header the custom server (server/http) sets on every request it hands
 * to Next, after dropping any copy the client sent: the socket's address, so
 * Next's own pages (the sign form's action) limit by the real peer even
 * without TRUST_PROXY.
 */
export const PEER_ADDRESS_HEADER = "x-undersigned-peer";

/**
 * The key that sign and login rate limits count under: the keyed hash of the
 * client's IP. Behind `npm start` (the custom server) without TRUST_PROXY it
 * is the socket's address, which a client cannot choose; under `next dev`
 * it falls back to X-Forwarded-For as passed (spoofable; decision 0012).
 */
export function getRateLimitIpHash(headers: Headers): string {
  return getSubmittingClient({ forwardedFor: headers.get("x-forwarded-for"), peerAddress: headers.get(PEER_ADDRESS_HEADER) }).rateLimitKey;
}

/**
 * The stored IP hash and the rate-limit key of a request. With TRUST_PROXY=1
 * both are the hash of X-Forwarded-For's first entry; otherwise nothing is
 * stored and limits count under the hash of the socket's address (the custom
 * server knows it), or of X-Forwarded-For as passed when it does not.
 */
export function getSubmittingClient(request: { forwardedFor: string | null | undefined; peerAddress?: string | null }): {
  ipHash: string | null;
  rateLimitKey: string;
} {
  const ipHash = hashForwardedFor(request.forwardedFor);
  if (ipHash) return { ipHash, rateLimitKey: ipHash };
  const peer = request.peerAddress?.trim().slice(0, 64) || request.forwardedFor?.trim().slice(0, 256);
  return { ipHash: null, rateLimitKey: hashIpAddress(peer || "unknown") };
}
