import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { rateLimits } from "@/db/schema";
import type { LimiterSpec, WindowPairSpec } from "./rate-limiters";

// The counts are read back with a SELECT, not RETURNING: an upsert with
// RETURNING runs with a statement journal (server/signatures/sign-letter.ts).
function readRateRow(tx: Transaction | AppDatabase, key: string) {
  return preparedQuery(tx, "readRateRow", (db) =>
    db
      .select({ points: rateLimits.points, expire: rateLimits.expire, burstPoints: rateLimits.burstPoints, burstExpire: rateLimits.burstExpire })
      .from(rateLimits)
      .where(eq(rateLimits.key, sql.placeholder("key")))
      .prepare(),
  ).get({ key });
}

export type RatePoint = { consumedPoints: number; msBeforeNext: number };

/**
 * Counts one point against `key` in a fixed window of `spec.durationSeconds`,
 * inside the caller's transaction: `rate_limits` rows keyed `prefix:key`, with
 * the window rule of rate-limiter-flexible's RateLimiterSQLite (decision
 * 0012). The sign path needs it synchronous so that the counts commit with
 * the signature in one group-committed transaction instead of one fsync per
 * limiter.
 */
export function consumeRatePoint(tx: Transaction | AppDatabase, spec: LimiterSpec, key: string, now: number): RatePoint {
  const expire = now + spec.durationSeconds * 1000;
  preparedQuery(tx, "consumeRatePoint", (db) =>
    db
      .insert(rateLimits)
      .values({ key: sql.placeholder("key"), points: 1, expire: sql.placeholder("expire") })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          points: sql`CASE WHEN ${rateLimits.expire} IS NULL OR ${rateLimits.expire} > ${sql.placeholder("now")} THEN ${rateLimits.points} + 1 ELSE 1 END`,
          expire: sql`CASE WHEN ${rateLimits.expire} IS NULL OR ${rateLimits.expire} > ${sql.placeholder("now")} THEN ${rateLimits.expire} ELSE excluded.expire END`,
        },
      })
      .prepare(),
  ).run({ key: `${spec.keyPrefix}:${key}`, expire, now });
  const row = readRateRow(tx, `${spec.keyPrefix}:${key}`);
  return { consumedPoints: row?.points ?? 1, msBeforeNext: Math.max(0, (row?.expire ?? expire) - now) };
}

/**
 * Counts one point against `key` in both windows of `spec`, in one row and
 * one statement (decision 0024): a new client on the sign path writes one
 * row, not one per window. A point over `burstLimit` (the caller's scaled
 * burst limit) is counted in the burst window only, as if the sustained
 * window were checked after the burst one refused. Inside the caller's
 * transaction, like `consumeRatePoint`.
 */
export function consumeWindowPairPoint(
  tx: Transaction | AppDatabase,
  spec: WindowPairSpec,
  key: string,
  options: { now: number; burstLimit: number },
): { burst: RatePoint; sustained: RatePoint } {
  const { now, burstLimit } = options;
  const expire = now + spec.sustained.durationSeconds * 1000;
  const burstExpire = now + spec.burst.durationSeconds * 1000;
  preparedQuery(tx, "consumeWindowPairPoint", (db) => {
    const now = sql.placeholder("now");
    const burstOpen = sql`${rateLimits.burstExpire} > ${now}`;
    const burstRefused = sql`${burstOpen} AND ${rateLimits.burstPoints} >= ${sql.placeholder("burstLimit")}`;
    const sustainedOpen = sql`${rateLimits.expire} IS NULL OR ${rateLimits.expire} > ${now}`;
    return db
      .insert(rateLimits)
      .values({ key: sql.placeholder("key"), points: 1, expire: sql.placeholder("expire"), burstPoints: 1, burstExpire: sql.placeholder("burstExpire") })
      .onConflictDoUpdate({
        target: rateLimits.key,
        // SQLite reads every column in SET as it was before the update.
        set: {
          points: sql`CASE WHEN ${burstRefused} THEN ${rateLimits.points} WHEN ${sustainedOpen} THEN ${rateLimits.points} + 1 ELSE 1 END`,
          expire: sql`CASE WHEN ${burstRefused} OR ${sustainedOpen} THEN ${rateLimits.expire} ELSE excluded.expire END`,
          burstPoints: sql`CASE WHEN ${burstOpen} THEN ${rateLimits.burstPoints} + 1 ELSE 1 END`,
          burstExpire: sql`CASE WHEN ${burstOpen} THEN ${rateLimits.burstExpire} ELSE excluded.burst_expire END`,
        },
      })
      .prepare();
  }).run({ key: `${spec.keyPrefix}:${key}`, expire, burstExpire, now, burstLimit });
  const row = readRateRow(tx, `${spec.keyPrefix}:${key}`);
  return {
    burst: { consumedPoints: row?.burstPoints ?? 1, msBeforeNext: Math.max(0, (row?.burstExpire ?? burstExpire) - now) },
    sustained: { consumedPoints: row?.points ?? 1, msBeforeNext: Math.max(0, (row?.expire ?? expire) - now) },
  };
}

/** Whole seconds to wait for a refused point, at least 1 (for Retry-After). */
export function retryAfterSeconds(point: RatePoint): number {
  return Math.max(1, Math.ceil(point.msBeforeNext / 1000));
}

/** Gives back a point taken in the current window (an attempt that turned out not to be a guess). */
export function refundRatePoint(tx: Transaction | AppDatabase, spec: LimiterSpec, key: string, now: number): void {
  tx.update(rateLimits)
    .set({ points: sql`max(${rateLimits.points} - 1, 0)` })
    .where(and(eq(rateLimits.key, `${spec.keyPrefix}:${key}`), gt(rateLimits.expire, now)))
    .run();
}

/** Forgets `key`'s count (a successful sign-in clears the failures before it). */
export function clearRatePoints(tx: Transaction | AppDatabase, spec: LimiterSpec, key: string): void {
  tx.delete(rateLimits).where(eq(rateLimits.key, `${spec.keyPrefix}:${key}`)).run();
}
