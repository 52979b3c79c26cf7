import "server-only";
import type { AppDatabase } from "@/db/client";
import { getDb } from "@/db/client";
import { getConfig } from "@/server/config";
import { getRateLimitIpHash } from "@/server/security/client-ip";
import { getRateLimiter, type LimiterSpec } from "./rate-limiters";
import { RateLimiterRes } from "rate-limiter-flexible";

// Bots and floods (decision 0011). A burst over the per-minute limit is
// refused; over the hourly ("sustained") limit a signature is still taken,
// with the same answer, but flagged for organizers; only past the ceiling
// (CEILING_FACTOR × sustained) is it refused.

export type SignLimits = {
  ipBurst: LimiterSpec;
  ipSustained: LimiterSpec;
  domainSustained: LimiterSpec;
  /** Past `ceilingFactor × sustained` a request is refused, not just flagged. */
  ceilingFactor: number;
};

export const SIGN_LIMITS: SignLimits = {
  ipBurst: { keyPrefix: "sign-ip-burst", points: 10, durationSeconds: 60 },
  ipSustained: { keyPrefix: "sign-ip-hour", points: 100, durationSeconds: 60 * 60 },
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

function scaled(spec: LimiterSpec, factor: number): LimiterSpec {
  return { ...spec, points: spec.points * factor };
}

type Consumed = { refusedForSeconds: number; consumedPoints: number };

async function consume(spec: LimiterSpec, key: string, db: AppDatabase): Promise<Consumed> {
  try {
    const result = await getRateLimiter(spec, db).consume(key, 1);
    return { refusedForSeconds: 0, consumedPoints: result.consumedPoints };
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      return { refusedForSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)), consumedPoints: error.consumedPoints };
    }
    throw error;
  }
}

/**
 * Counts one valid submission against its client IP and email domain, and
 * says whether to take it, take it flagged, or refuse it (with the seconds
 * to wait). The sign form's action and `POST /api/v1/signatures` both call
 * it, before `signLetter`; anyone may cause it to run. `limits` and `db`
 * are for tests; SIGN_RATE_LIMIT_SCALE multiplies every limit.
 */
export async function checkSignLimits(options: {
  headers: Headers;
  email: string;
  limits?: SignLimits;
  db?: AppDatabase;
}): Promise<SignLimitVerdict> {
  const db = options.db ?? getDb();
  const limits = options.limits ?? SIGN_LIMITS;
  const scale = getConfig().signRateLimitScale;
  const ipHash = getRateLimitIpHash(options.headers);
  const domain = getEmailDomain(options.email);
  const reasons: SuspicionReason[] = [];

  const burst = await consume(scaled(limits.ipBurst, scale), ipHash, db);
  if (burst.refusedForSeconds) return { outcome: "refused", retryAfterSeconds: burst.refusedForSeconds };

  // One limiter per hourly dimension, sized to the ceiling: its count says
  // whether the sustained limit is passed (flag) and its refusal is the ceiling.
  const ipSustained = scaled(limits.ipSustained, scale);
  const perIp = await consume({ ...ipSustained, points: ipSustained.points * limits.ceilingFactor }, ipHash, db);
  if (perIp.refusedForSeconds) return { outcome: "refused", retryAfterSeconds: perIp.refusedForSeconds };
  if (perIp.consumedPoints > ipSustained.points) reasons.push("ipSustained");

  if (!BIG_EMAIL_PROVIDERS.has(domain)) {
    const domainSustained = scaled(limits.domainSustained, scale);
    const perDomain = await consume({ ...domainSustained, points: domainSustained.points * limits.ceilingFactor }, domain, db);
    if (perDomain.refusedForSeconds) return { outcome: "refused", retryAfterSeconds: perDomain.refusedForSeconds };
    if (perDomain.consumedPoints > domainSustained.points) reasons.push("domainSustained");
  }

  return reasons.length > 0 ? { outcome: "suspicious", suspicion: { ipHash, domain, reasons } } : { outcome: "allowed" };
}
