import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { rateLimits } from "@/db/schema";
import type { LimiterSpec } from "./rate-limiters";

export type RatePoint = { consumedPoints: number; msBeforeNext: number };

/**
 * Counts one point against `key` in a fixed window of `spec.durationSeconds`,
 * inside the caller's transaction: the same `rate_limits` rows, key format
 * (`prefix:key`) and window rule as rate-limiter-flexible's RateLimiterSQLite
 * (decision 0012). The sign path needs it synchronous so that the counts
 * commit with the signature in one group-committed transaction instead of
 * one fsync per limiter.
 */
export function consumeRatePoint(tx: Transaction | AppDatabase, spec: LimiterSpec, key: string, now: number): RatePoint {
  const expire = now + spec.durationSeconds * 1000;
  const row = preparedQuery(tx, "consumeRatePoint", (db) =>
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
      .returning({ points: rateLimits.points, expire: rateLimits.expire })
      .prepare(),
  ).get({ key: `${spec.keyPrefix}:${key}`, expire, now });
  return { consumedPoints: row?.points ?? 1, msBeforeNext: Math.max(0, (row?.expire ?? expire) - now) };
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
