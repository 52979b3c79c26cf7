import "server-only";
import type { SignLetterData } from "@/lib/schemas/sign-letter";
import { getConfig } from "@/server/config";
import { verifyProofOfWork } from "./proof-of-work";

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
 * The proof of work (decision 0011), after `isBotSubmission` and the rate
 * limits. The API must always carry a valid, unused `altcha` payload. A form
 * post carrying neither `altcha` nor `fillMs` was sent without JavaScript: it
 * cannot solve anything, so it passes here and only the honeypot and the rate
 * limits apply (the form says so in a <noscript> note). A form post with
 * `fillMs` ran our script, so it must carry a valid payload too.
 * BOT_CHECK=off: always true.
 */
export async function passesProofOfWork(
  data: Pick<SignLetterData, "altcha" | "fillMs">,
  via: "api" | "form",
): Promise<boolean> {
  if (!getConfig().botCheck) return true;
  if (via === "form" && data.altcha === undefined && data.fillMs === undefined) return true;
  return verifyProofOfWork(data.altcha);
}
