import "server-only";
import { RateLimiterRes, RateLimiterSQLite } from "rate-limiter-flexible";
import { getDb, type AppDatabase } from "@/db/client";

export type LimiterSpec = { keyPrefix: string; points: number; durationSeconds: number; blockSeconds?: number };

/** Limits on organizer sign-in: guesses per address (the real guard) and attempts per client IP. */
export const LOGIN_LIMITS = {
  perAccount: { keyPrefix: "login-account", points: 5, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
  perIp: { keyPrefix: "login-ip", points: 20, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
} as const satisfies Record<string, LimiterSpec>;

const limiters = new WeakMap<AppDatabase, Map<string, RateLimiterSQLite>>();

/**
 * A limiter whose counts live in SQLite (`rate_limits`, created by our
 * migrations), so every app process shares them.
 */
export function getRateLimiter(spec: LimiterSpec, db: AppDatabase = getDb()): RateLimiterSQLite {
  let byPrefix = limiters.get(db);
  if (!byPrefix) {
    byPrefix = new Map();
    limiters.set(db, byPrefix);
  }
  // Keyed by the whole spec: a test (or a changed scale) with other points gets its own limiter.
  const cacheKey = `${spec.keyPrefix}:${spec.points}:${spec.durationSeconds}:${spec.blockSeconds ?? 0}`;
  let limiter = byPrefix.get(cacheKey);
  if (!limiter) {
    limiter = new RateLimiterSQLite({
      storeClient: db.$client,
      storeType: "better-sqlite3",
      tableName: "rate_limits",
      tableCreated: true,
      keyPrefix: spec.keyPrefix,
      points: spec.points,
      duration: spec.durationSeconds,
      blockDuration: spec.blockSeconds ?? 0,
    });
    byPrefix.set(cacheKey, limiter);
  }
  return limiter;
}

/** Seconds until `key` may try again, or 0 if it may now (does not consume). */
export async function getRetryAfterSeconds(limiter: RateLimiterSQLite, key: string, points: number): Promise<number> {
  const state = await limiter.get(key);
  if (!state || state.consumedPoints < points) return 0;
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}

/** Consumes one point; returns the seconds to wait when the limit is now exceeded, else 0. */
export async function consumePoint(limiter: RateLimiterSQLite, key: string): Promise<number> {
  try {
    await limiter.consume(key, 1);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}
