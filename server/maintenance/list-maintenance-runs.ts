import "server-only";
import { desc } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { maintenanceRuns, type MaintenanceRun } from "@/db/schema";
import { assertRole, type Actor } from "@/server/auth/actor";

/** The newest maintenance task runs (decision 0019), newest first. Owners only. */
export function listMaintenanceRuns(options: { actor: Actor; limit?: number; db?: AppDatabase }): MaintenanceRun[] {
  assertRole(options.actor, "owner");
  const db = options.db ?? getDb();
  return db
    .select()
    .from(maintenanceRuns)
    .orderBy(desc(maintenanceRuns.id))
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 500))
    .all();
}
