import "server-only";
import { and, count, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { auditLog, mailings, signatures, statCounters, type UserRole } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { roleCan } from "@/server/auth/permissions";
import { listSuspiciousBursts } from "@/server/dashboard/get-dashboard";
import { getMailingProgress } from "@/server/mailings/get-mailing-progress";
import { parseMailingContent, type MailingContent } from "@/server/mailings/mailing-content";
import { getStats } from "@/server/stats/get-stats";
import { toDayKey } from "@/lib/signature-lifecycle";

// What the organizers' daily digest says (decision 0025): counts and public
// titles only. No address, name, IP hash or email domain is ever read into it.

const DAY_MS = 24 * 60 * 60 * 1000;
/** Countries listed by name; the rest are summed in one line. */
export const DIGEST_TOP_COUNTRIES = 10;
/** Mailings that are not finished and not merely prepared: an organizer may need to act on them. */
const MAILING_STATES_IN_PROGRESS = ["sending", "paused", "awaitingApproval"] as const;

export type Digest = {
  /** The UTC day it reports (YYYY-MM-DD): the day before the one it is sent on. */
  day: string;
  /** Signatures confirmed that day that still count. */
  newVerified: number;
  total: number;
  goal: number;
  /** The countries with the most new verified signatures that day, with their totals. */
  countries: { code: string; added: number; total: number }[];
  /** The other countries with new signatures that day: how many, and how many signatures. */
  otherCountries: { count: number; added: number };
  /** Admins and owners (the dashboard shows bursts to them): counts only, never the hash or the domain. */
  bursts: { flagged: number; networks: number; emailDomains: number } | null;
  /** Admins and owners (mailings are theirs): each unfinished mailing's update, state and progress. */
  mailings: { content: MailingContent; state: (typeof MAILING_STATES_IN_PROGRESS)[number]; sent: number; remaining: number }[] | null;
};

/**
 * Everything a digest for `day` can hold (the day starting at `dayStart`,
 * UTC), with the sections for admins and owners. Costs a few counter reads,
 * one index range over the day's confirmations and the day's flagged audit
 * rows, whatever the size of the campaign. Internal: the digest sender
 * trims it for each reader with `digestFor`.
 */
export function buildDigest(options: { dayStart: number; db?: AppDatabase; now: number }): Digest {
  const db = options.db ?? getDb();
  const { dayStart } = options;
  const dayEnd = dayStart + DAY_MS;
  const day = toDayKey(dayStart);
  const stats = getStats({ db, now: options.now });
  const newVerified = db.select({ count: statCounters.count }).from(statCounters).where(and(eq(statCounters.scope, "day"), eq(statCounters.key, day))).get()?.count ?? 0;

  // The `is_public_name in (0, 1)` lets SQLite walk signatures_public_list_idx
  // (status, is_public_name, verified_at) over the day only, not every verified row.
  const byCountry = db
    .select({ code: signatures.country, added: count() })
    .from(signatures)
    .where(
      and(
        eq(signatures.status, "verified"),
        sql`${signatures.isPublicName} in (0, 1)`,
        gte(signatures.verifiedAt, dayStart),
        lt(signatures.verifiedAt, dayEnd),
      ),
    )
    .groupBy(signatures.country)
    .all()
    .sort((a, b) => b.added - a.added || a.code.localeCompare(b.code));
  const listed = byCountry.slice(0, DIGEST_TOP_COUNTRIES);
  const rest = byCountry.slice(DIGEST_TOP_COUNTRIES);

  const flagged =
    db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "signature.suspicious"), gte(auditLog.createdAt, dayStart), lt(auditLog.createdAt, dayEnd)))
      .get()?.n ?? 0;
  const sources = flagged > 0 ? listSuspiciousBursts(db, { since: dayStart, until: dayEnd }, Number.POSITIVE_INFINITY) : [];

  const unfinished = db
    .select({ id: mailings.id, state: mailings.state, content: mailings.content })
    .from(mailings)
    .where(inArray(mailings.state, [...MAILING_STATES_IN_PROGRESS]))
    .orderBy(mailings.id)
    .all();

  return {
    day,
    newVerified,
    total: stats.total,
    goal: stats.goal,
    countries: listed.map((row) => ({ code: row.code, added: row.added, total: stats.countries[row.code] ?? 0 })),
    otherCountries: { count: rest.length, added: rest.reduce((sum, row) => sum + row.added, 0) },
    bursts: {
      flagged,
      networks: sources.filter((source) => source.kind === "ipHash").length,
      emailDomains: sources.filter((source) => source.kind === "emailDomain").length,
    },
    mailings: unfinished.map((mailing) => {
      const progress = getMailingProgress({ actor: SYSTEM, mailingId: mailing.id, db, now: options.now });
      return {
        content: parseMailingContent(mailing.content),
        state: mailing.state as (typeof MAILING_STATES_IN_PROGRESS)[number],
        sent: progress?.counts.sent ?? 0,
        remaining: progress?.remaining ?? 0,
      };
    }),
  };
}

/**
 * The digest as `role` may read it, as on their dashboard (decision 0025):
 * the bursts to those who moderate, the mailings to those who send them;
 * everyone gets the totals and countries.
 */
export function digestFor(digest: Digest, role: UserRole): Digest {
  return {
    ...digest,
    bursts: roleCan(role, "moderate") ? digest.bursts : null,
    mailings: roleCan(role, "sendMailings") ? digest.mailings : null,
  };
}
