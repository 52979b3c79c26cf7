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
