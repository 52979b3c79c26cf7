import "server-only";
import { auditLog } from "@/db/schema";
import type { AppDatabase, Transaction } from "@/db/client";

export type AuditActor = { userId: number | null; email: string | null };


/**
 * Writes one audit row. Call it inside the transaction of the change it
 * records, so the change and its record commit together.
 */
export function recordAudit(
  tx: Transaction | AppDatabase,
  entry: {
    actor: AuditActor;
    action: string;
    targetType?: string;
    targetId?: string | number;
    details?: Record<string, unknown>;
    rowCount?: number;
    now?: number;
  },
): void {
  tx.insert(auditLog)
    .values({
      actorUserId: entry.actor.userId,
      actorEmail: entry.actor.email,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId === undefined ? null : String(entry.targetId),
      details: entry.details ? JSON.stringify(entry.details) : null,
      rowCount: entry.rowCount ?? null,
      createdAt: entry.now ?? Date.now(),
    })
    .run();
}
