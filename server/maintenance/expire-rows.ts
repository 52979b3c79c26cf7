import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { AppDatabase } from "@/db/client";

/** Maintenance rows are kept this long, then deleted like everything else that has served. */
export const MAINTENANCE_RUN_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Rows read per step, by rowid range: a step holds the write lock (and this
 * process's event loop) for a few milliseconds whatever the table's size,
 * and the next step waits for the next turn.
 */
const ROWID_WINDOW = 20_000;

const EXPIRED = {
  signature_tokens: "expires_at <= ?",
  rate_limits: "expire is not null and expire <= ?",
} as const;

type ExpiringTable = keyof typeof EXPIRED | "maintenance_runs";

/** Deletes the rows of `table` matching `condition` (one `?` for `bound`), window by window over the rowid. */
async function deleteByRowidWindows(db: AppDatabase, table: ExpiringTable, condition: string, bound: number): Promise<number> {
  const client = db.$client;
  const maxRowid = (client.prepare(`select max(rowid) as max from ${table}`).get() as { max: number | null }).max ?? 0;
  const remove = client.prepare(`delete from ${table} where rowid > ? and rowid <= ? and ${condition}`);
  let deleted = 0;
  for (let from = 0; from < maxRowid; from += ROWID_WINDOW) {
    deleted += remove.run(from, from + ROWID_WINDOW, bound).changes;
    await nextTurn();
  }
  return deleted;
}

/**
 * Deletes expired link tokens, rate-limit rows (their keys are IP hashes and
 * email domains) and maintenance rows older than MAINTENANCE_RUN_RETENTION_DAYS.
 * The server's maintenance and the command line only.
 */
export async function deleteExpiredRows(options: { db: AppDatabase; now: number }): Promise<{ tokens: number; rateLimits: number; maintenanceRuns: number }> {
  const { db, now } = options;
  return {
    tokens: await deleteByRowidWindows(db, "signature_tokens", EXPIRED.signature_tokens, now),
    rateLimits: await deleteByRowidWindows(db, "rate_limits", EXPIRED.rate_limits, now),
    maintenanceRuns: await deleteByRowidWindows(db, "maintenance_runs", "started_at < ?", now - MAINTENANCE_RUN_RETENTION_DAYS * DAY_MS),
  };
}
