import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { AppDatabase } from "@/db/client";

/** Maintenance rows are kept this long, then deleted like everything else that has served. */
export const MAINTENANCE_RUN_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Rows read per step, in primary-key order: a step holds the write lock (and
 * this process's event loop) for a few milliseconds whatever the table's
 * size, and the next step waits for the next turn.
 */
const KEY_WINDOW = 20_000;

const EXPIRED = {
  signature_tokens: "expires_at <= ?",
  // A client's sign row also holds a burst window, which may outlast the hour's by up to a
  // minute when the burst refused the point that would have started a new hour (decision 0024).
  rate_limits: "expire is not null and max(expire, coalesce(burst_expire, expire)) <= ?",
} as const;

type ExpiringTable = keyof typeof EXPIRED | "maintenance_runs";

// The key each table is stored in order of: the two the sign path writes are
// WITHOUT ROWID tables clustered on their text key (decision 0024).
const ORDER_KEY: Record<ExpiringTable, { column: string; first: string | number }> = {
  signature_tokens: { column: "token_hash", first: "" },
  rate_limits: { column: "key", first: "" },
  maintenance_runs: { column: "rowid", first: 0 },
};

/** Deletes the rows of `table` matching `condition` (one `?` for `bound`), window by window over its key. */
async function deleteByKeyWindows(db: AppDatabase, table: ExpiringTable, condition: string, bound: number): Promise<number> {
  const client = db.$client;
  const { column, first } = ORDER_KEY[table];
  const windowEnd = client.prepare(
    `select max(${column}) as last from (select ${column} from ${table} where ${column} > ? order by ${column} limit ${KEY_WINDOW})`,
  );
  const remove = client.prepare(`delete from ${table} where ${column} > ? and ${column} <= ? and ${condition}`);
  let deleted = 0;
  for (let from = first; ; ) {
    const last = (windowEnd.get(from) as { last: string | number | null }).last;
    if (last === null) return deleted;
    deleted += remove.run(from, last, bound).changes;
    from = last;
    await nextTurn();
  }
}

/**
 * Deletes expired link tokens, rate-limit rows (their keys are IP hashes and
 * email domains) and maintenance rows older than MAINTENANCE_RUN_RETENTION_DAYS.
 * The server's maintenance and the command line only.
 */
export async function deleteExpiredRows(options: { db: AppDatabase; now: number }): Promise<{ tokens: number; rateLimits: number; maintenanceRuns: number }> {
  const { db, now } = options;
  return {
    tokens: await deleteByKeyWindows(db, "signature_tokens", EXPIRED.signature_tokens, now),
    rateLimits: await deleteByKeyWindows(db, "rate_limits", EXPIRED.rate_limits, now),
    maintenanceRuns: await deleteByKeyWindows(db, "maintenance_runs", "started_at < ?", now - MAINTENANCE_RUN_RETENTION_DAYS * DAY_MS),
  };
}
