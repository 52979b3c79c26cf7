import "server-only";
import type { AppDatabase, Transaction } from "@/db/client";
import { getConfig } from "@/server/config";
import { consumeRatePoint, consumeWindowPairPoint, retryAfterSeconds } from "./consume-rate-point";
import type { LimiterSpec, WindowPairSpec } from "./rate-limiters";

// Bots and floods (decision 0011). A burst over the per-minute limit is
// refused; over the hourly ("sustained") limit a signature is still taken,
// with the same answer, but flagged for organizers; only past the ceiling
// (CEILING_FACTOR × sustained) is it refused. A submission that solved a
// proof of work counts in buckets of its own, six times larger (decision
// 0017): a Tor exit or a university NAT carries many honest signers, each of
// whom paid for their signature in CPU time.

export type SignLimits = {
  /** Per client address (burst per minute, sustained per hour, one row), for a submission without a proof of work (the form without JavaScript; everything with BOT_CHECK=off). */
  ip: WindowPairSpec;
  /** Per client address, for a submission with a solved, unused proof of work. */
  provenIp: WindowPairSpec;
  domainSustained: LimiterSpec;
  /** Past `ceilingFactor × sustained` a request is refused, not just flagged. */
  ceilingFactor: number;
};

export const SIGN_LIMITS: SignLimits = {
  ip: { keyPrefix: "sign-ip", burst: { points: 10, durationSeconds: 60 }, sustained: { points: 100, durationSeconds: 60 * 60 } },
  provenIp: { keyPrefix: "sign-pow-ip", burst: { points: 60, durationSeconds: 60 }, sustained: { points: 600, durationSeconds: 60 * 60 } },
  domainSustained: { keyPrefix: "sign-domain-hour", points: 300, durationSeconds: 60 * 60 },
  ceilingFactor: 3,
};

/**
 * Providers with millions of users: a campaign going viral brings thousands
 * of honest signatures an hour from each, so no per-domain limit applies
 * (the per-IP limits still do).
 */
export const BIG_EMAIL_PROVIDERS: ReadonlySet<string> = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "t-online.de",
  "mail.ru",
  "bk.ru",
  "list.ru",
  "inbox.ru",
  "yandex.ru",
  "ya.ru",
  "rambler.ru",
  "ukr.net",
  "i.ua",
  "meta.ua",
]);

export type SuspicionReason = "ipSustained" | "domainSustained";

/** What a flagged signature's audit row holds: never the email address. */
export type SignSuspicion = { ipHash: string; domain: string; reasons: SuspicionReason[] };

export type SignLimitVerdict =
  | { outcome: "allowed" }
  | { outcome: "suspicious"; suspicion: SignSuspicion }
  | { outcome: "refused"; retryAfterSeconds: number };

/** The domain of an address, lower-case, with googlemail.com folded into gmail.com. */
export function getEmailDomain(email: string): string {
  const domain = email.slice(email.lastIndexOf("@") + 1).trim().toLowerCase();
  return domain === "googlemail.com" ? "gmail.com" : domain;
}

/**
 * Counts one valid submission against its client and email domain, and says
 * whether to take it, take it flagged, or refuse it (with the seconds to
 * wait). Runs inside the transaction that stores the signature
 * (`submitSignature`), so the counts and the signature commit together;
 * anyone may cause it to run. `clientKey` is the keyed hash of the client's
 * IP (`getSubmittingClient`); `provedWork` says the submission carries a
 * proof of work that verified (its larger per-address buckets); `limits`
 * are for tests; SIGN_RATE_LIMIT_SCALE multiplies every limit.
 */
export function checkSignLimits(options: {
  tx: Transaction | AppDatabase;
  clientKey: string;
  email: string;
  provedWork?: boolean;
  limits?: SignLimits;
  now?: number;
}): SignLimitVerdict {
  const { tx, clientKey } = options;
  const now = options.now ?? Date.now();
  const limits = options.limits ?? SIGN_LIMITS;
  const scale = getConfig().signRateLimitScale;
  const domain = getEmailDomain(options.email);
  const reasons: SuspicionReason[] = [];

  const ipSpec = options.provedWork ? limits.provenIp : limits.ip;
  const burstLimit = ipSpec.burst.points * scale;
  // One row per client holds both windows: its count over the hour says
  // whether the sustained limit is passed (flag), and passing the ceiling refuses.
  const { burst, sustained: perIp } = consumeWindowPairPoint(tx, ipSpec, clientKey, { now, burstLimit });
  if (burst.consumedPoints > burstLimit) return { outcome: "refused", retryAfterSeconds: retryAfterSeconds(burst) };

  const ipSustained = ipSpec.sustained.points * scale;
  if (perIp.consumedPoints > ipSustained * limits.ceilingFactor) return { outcome: "refused", retryAfterSeconds: retryAfterSeconds(perIp) };
  if (perIp.consumedPoints > ipSustained) reasons.push("ipSustained");

  if (!BIG_EMAIL_PROVIDERS.has(domain)) {
    const domainSustained = limits.domainSustained.points * scale;
    const perDomain = consumeRatePoint(tx, limits.domainSustained, domain, now);
    if (perDomain.consumedPoints > domainSustained * limits.ceilingFactor) {
      return { outcome: "refused", retryAfterSeconds: retryAfterSeconds(perDomain) };
    }
    if (perDomain.consumedPoints > domainSustained) reasons.push("domainSustained");
  }

  return reasons.length > 0 ? { outcome: "suspicious", suspicion: { ipHash: clientKey, domain, reasons } } : { outcome: "allowed" };
}
