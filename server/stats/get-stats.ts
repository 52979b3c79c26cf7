import "server-only";
import { desc, eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { statCounters } from "@/db/schema";
import { DEFAULT_LOCALE } from "@/lib/i18n/locales";
import { getCampaign } from "@/server/content/get-campaign";

export type PublicStats = {
  total: number;
  goal: number;
  countries: Record<string, number>;
  updatedAt: string;
};

/**
 * The public numbers: verified signatures only, read from the counters
 * (never a count over signatures, so the cost does not grow with the
 * campaign). Anyone may call it.
 */
export function getStats(options: { db?: AppDatabase; now?: number } = {}): PublicStats {
  const db = options.db ?? getDb();
  const rows = db.select().from(statCounters).where(eq(statCounters.scope, "country")).orderBy(desc(statCounters.count)).all();
  const total = db.select({ count: statCounters.count }).from(statCounters).where(eq(statCounters.scope, "total")).get();
  const countries: Record<string, number> = {};
  for (const row of rows) if (row.count > 0) countries[row.key] = row.count;
  return {
    total: total?.count ?? 0,
    goal: getCampaign(DEFAULT_LOCALE).goal,
    countries,
    updatedAt: new Date(options.now ?? Date.now()).toISOString(),
  };
}

/** Verified signatures per UTC day, oldest first. Anyone may call it. */
export function listDailyTotals(options: { db?: AppDatabase } = {}): { day: string; count: number }[] {
  const db = options.db ?? getDb();
  return db
    .select({ day: statCounters.key, count: statCounters.count })
    .from(statCounters)
    .where(eq(statCounters.scope, "day"))
    .orderBy(statCounters.key)
    .all();
}
