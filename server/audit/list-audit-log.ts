import "server-only";
import { desc, lt } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { auditLog, type AuditLogRow } from "@/db/schema";
import type { Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";

/** The audit log, newest first, 100 rows a page by keyset on id. Needs `readAuditLog` (owners). */
export function listAuditLog(options: { actor: Actor; before?: number; db?: AppDatabase }): { rows: AuditLogRow[]; nextBefore: number | undefined } {
  assertCan(options.actor, "readAuditLog");
  const db = options.db ?? getDb();
  const rows = db
    .select()
    .from(auditLog)
    .where(options.before && Number.isInteger(options.before) ? lt(auditLog.id, options.before) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(101)
    .all();
  const page = rows.slice(0, 100);
  return { rows: page, nextBefore: rows.length > 100 ? page.at(-1)?.id : undefined };
}
