import "server-only";
import type { SignLetterData } from "@/lib/schemas/sign-letter";
import { getConfig } from "@/server/config";

/**
 * True when a valid submission came from a form-filling bot: the honeypot
 * was filled in, or the form was sent sooner than a person can fill it.
 * Callers then answer exactly as for a success and store nothing (decision
 * 0011). The fill time is measured in the browser (no clock skew) and is
 * absent without JavaScript or from API clients: then only the honeypot and
 * the rate limits apply. BOT_CHECK=off turns both checks off.
 */
export function isBotSubmission(data: Pick<SignLetterData, "website" | "fillMs">): boolean {
  const config = getConfig();
  if (!config.botCheck) return false;
  if (data.website) return true;
  return data.fillMs !== undefined && data.fillMs < config.minFillMs;
}

/**
 * Whether a submission must carry a solved proof of work (decision 0011):
 * every API call does; a form post carrying neither `altcha` nor `fillMs`
 * was sent without JavaScript and cannot solve anything, so only the
 * honeypot and the rate limits apply to it (the form says so in a <noscript>
 * note); a form post with `fillMs` ran our script, so it must carry one.
 * BOT_CHECK=off: never.
 */
export function needsProofOfWork(data: Pick<SignLetterData, "altcha" | "fillMs">, via: "api" | "form"): boolean {
  if (!getConfig().botCheck) return false;
  return via === "api" || data.altcha !== undefined || data.fillMs !== undefined;
}
