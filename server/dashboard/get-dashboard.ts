import "server-only";
import { and, desc, eq, gte, lt } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { auditLog, SIGNATURE_STATUSES, statCounters, type SignatureStatus } from "@/db/schema";
import type { Actor } from "@/server/auth/actor";
import { assertCan, can } from "@/server/auth/permissions";
import { getConfig } from "@/server/config";
import { getStats, listDailyTotals } from "@/server/stats/get-stats";

/** The statuses in the order the dashboard shows them. */
export const DASHBOARD_STATUSES: readonly SignatureStatus[] = SIGNATURE_STATUSES;

export type Dashboard = {
  statusTotals: Record<SignatureStatus, number>;
  total: number;
  goal: number;
  countries: { code: string; count: number }[];
  daily: { day: string; count: number }[];
  /**
   * Only for admins and owners: organizer emails appear in it. What was
   * typed into a refused sign-in (a stranger's address, a password in the
   * wrong field) is for owners only: admins get `actorHidden` instead.
   */
  recentActivity: { id: number; createdAt: number; actorEmail: string | null; actorHidden?: true; action: string; rowCount: number | null }[] | null;
  /** Admins and owners (the bulk tools are theirs): flagged signatures of the last 24 h by source, biggest first. */
  suspiciousBursts: SuspiciousBurst[] | null;
  /**
   * The one reminder to confirm (decision 0022): how many were sent, and how
   * many of those signers confirmed afterwards, from counters; `hours` is
   * CONFIRM_REMINDER_HOURS (0: reminders are off).
   */
  reminders: { sent: number; confirmedAfter: number; hours: number };
};

export type SuspiciousBurst = { kind: "ipHash" | "emailDomain"; value: string; count: number; lastSeen: number };

/** Audit actions whose actor email is whatever someone typed into the sign-in form. */
const TYPED_EMAIL_ACTIONS: ReadonlySet<string> = new Set(["login.failure", "login.blocked"]);

const SUSPICIOUS_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Reads at most this many flagged rows: the panel stays cheap during a flood. */
const SUSPICIOUS_ROW_LIMIT = 2_000;

/**
 * `signature.suspicious` audit rows (decision 0011) from `since` (and before
 * `until`, when given) counted by IP hash and by email domain, biggest first:
 * the newest SUSPICIOUS_ROW_LIMIT rows, the first `limit` sources. The
 * dashboard (its last 24 h) and the organizers' digest (a UTC day, counts only).
 * Internal: its callers check who may see what.
 */
export function listSuspiciousBursts(db: AppDatabase, window: { since: number; until?: number }, limit = 20): SuspiciousBurst[] {
  const rows = db
    .select({ details: auditLog.details, createdAt: auditLog.createdAt })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, "signature.suspicious"),
        gte(auditLog.createdAt, window.since),
        window.until === undefined ? undefined : lt(auditLog.createdAt, window.until),
      ),
    )
    .orderBy(desc(auditLog.createdAt))
    .limit(SUSPICIOUS_ROW_LIMIT)
    .all();
  const bursts = new Map<string, SuspiciousBurst>();
  const add = (kind: SuspiciousBurst["kind"], value: unknown, createdAt: number) => {
    if (typeof value !== "string" || value === "") return;
    const key = `${kind}:${value}`;
    const burst = bursts.get(key) ?? { kind, value, count: 0, lastSeen: createdAt };
    burst.count += 1;
    burst.lastSeen = Math.max(burst.lastSeen, createdAt);
    bursts.set(key, burst);
  };
  for (const row of rows) {
    let details: { ipHash?: unknown; domain?: unknown; reason?: unknown };
    try {
      details = JSON.parse(row.details ?? "{}") as typeof details;
    } catch {
      continue;
    }
    const reasons = typeof details.reason === "string" ? details.reason.split(",") : [];
    if (reasons.includes("ipSustained")) add("ipHash", details.ipHash, row.createdAt);
    if (reasons.includes("domainSustained")) add("emailDomain", details.domain, row.createdAt);
  }
  return [...bursts.values()].sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen).slice(0, limit);
}

/**
 * Everything the dashboard shows, from counter rows and the newest audit
 * rows only: its cost does not grow with the number of signatures. Needs
 * `readTotals`; recent activity needs `seePersonalData`, the suspicious
 * bursts `moderate`, and the addresses typed into refused sign-ins
 * `readAuditLog` (owners).
 */
export function getDashboard(options: { actor: Actor; db?: AppDatabase; now?: number }): Dashboard {
  assertCan(options.actor, "readTotals");
  const db = options.db ?? getDb();
  const stats = getStats({ db, now: options.now });
  const statusRows = db.select().from(statCounters).where(eq(statCounters.scope, "status")).all();
  const reminderRows = db.select().from(statCounters).where(eq(statCounters.scope, "reminder")).all();
  const reminderCount = (key: string) => reminderRows.find((row) => row.key === key)?.count ?? 0;
  const statusTotals = Object.fromEntries(SIGNATURE_STATUSES.map((status) => [status, 0])) as Record<SignatureStatus, number>;
  for (const row of statusRows) if (row.key in statusTotals) statusTotals[row.key as SignatureStatus] = row.count;
  // Organizers' addresses are in the activity; what strangers typed into sign-in only where the audit log may be read.
  const seesActivity = can(options.actor, "seePersonalData");
  const seesTypedEmails = can(options.actor, "readAuditLog");
  return {
    statusTotals,
    total: stats.total,
    goal: stats.goal,
    countries: Object.entries(stats.countries).map(([code, count]) => ({ code, count })),
    daily: listDailyTotals({ db }).filter((row) => row.count > 0),
    recentActivity: seesActivity
      ? db
          .select({ id: auditLog.id, createdAt: auditLog.createdAt, actorEmail: auditLog.actorEmail, action: auditLog.action, rowCount: auditLog.rowCount })
          .from(auditLog)
          .orderBy(desc(auditLog.id))
          .limit(20)
          .all()
          .map((row) => (seesTypedEmails || !TYPED_EMAIL_ACTIONS.has(row.action) ? row : { ...row, actorEmail: null, actorHidden: true as const }))
      : null,
    suspiciousBursts: can(options.actor, "moderate") ? listSuspiciousBursts(db, { since: (options.now ?? Date.now()) - SUSPICIOUS_WINDOW_MS }) : null,
    reminders: { sent: reminderCount("sent"), confirmedAfter: reminderCount("confirmed"), hours: getConfig().confirmReminderHours },
  };
}
