import "server-only";
import { desc } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { maintenanceRuns, type MaintenanceRun } from "@/db/schema";
import type { Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";

/** The newest maintenance task runs (decision 0019), newest first. Needs `maintain` (owners). */
export function listMaintenanceRuns(options: { actor: Actor; limit?: number; db?: AppDatabase }): MaintenanceRun[] {
  assertCan(options.actor, "maintain");
  const db = options.db ?? getDb();
  return db
    .select()
    .from(maintenanceRuns)
    .orderBy(desc(maintenanceRuns.id))
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 500))
    .all();
}
