import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { auditLog, SIGNATURE_STATUSES, statCounters, type SignatureStatus } from "@/db/schema";
import { assertRole, ROLE_RANK, type Actor } from "@/server/auth/actor";
import { getStats, listDailyTotals } from "@/server/stats/get-stats";

/** The statuses in the order the dashboard shows them. */
export const DASHBOARD_STATUSES: readonly SignatureStatus[] = SIGNATURE_STATUSES;

export type Dashboard = {
  statusTotals: Record<SignatureStatus, number>;
  total: number;
  goal: number;
  countries: { code: string; count: number }[];
  daily: { day: string; count: number }[];
  /** Only for admins and owners: organizer emails appear in it. */
  recentActivity: { id: number; createdAt: number; actorEmail: string | null; action: string; rowCount: number | null }[] | null;
};

/**
 * Everything the dashboard shows, from counter rows and the newest audit
 * rows only: its cost does not grow with the number of signatures. Viewers
 * and up; recent activity is left out for viewers.
 */
export function getDashboard(options: { actor: Actor; db?: AppDatabase }): Dashboard {
  assertRole(options.actor, "viewer");
  const db = options.db ?? getDb();
  const stats = getStats({ db });
  const statusRows = db.select().from(statCounters).where(eq(statCounters.scope, "status")).all();
  const statusTotals = Object.fromEntries(SIGNATURE_STATUSES.map((status) => [status, 0])) as Record<SignatureStatus, number>;
  for (const row of statusRows) if (row.key in statusTotals) statusTotals[row.key as SignatureStatus] = row.count;
  const seesActivity = options.actor.kind === "system" || ROLE_RANK[options.actor.role] >= ROLE_RANK.admin;
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
      : null,
  };
}
