import "server-only";
import { getStats } from "./get-stats";

/** The longest the public numbers may lag behind the counters (the goal is 2 s). */
export const STATS_MAX_AGE_MS = 1000;

type CachedStats = { json: string; readAt: number };

// On globalThis so the custom server and Next's bundle share one copy.
const globalForStats = globalThis as unknown as { undersignedStatsJson?: CachedStats };

/**
 * `getStats()` as JSON, read from the counters at most once a second: a
 * crowd refreshing the count costs one pair of queries a second, whatever its
 * size and whatever the number of signatures. Anyone may call it.
 */
export function readStatsJson(now: number = Date.now()): string {
  const cached = globalForStats.undersignedStatsJson;
  if (cached && now - cached.readAt < STATS_MAX_AGE_MS && now >= cached.readAt) return cached.json;
  const json = JSON.stringify(getStats({ now }));
  globalForStats.undersignedStatsJson = { json, readAt: now };
  return json;
}

/** Partner sites may read the stats from their own pages (also the answer to a preflight). */
export const STATS_CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-max-age": "86400",
} as const;

export const STATS_RESPONSE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  // A CDN or browser may keep it 2 s (the staleness goal) and serve it stale while it refetches.
  "cache-control": "public, max-age=1, s-maxage=1, stale-while-revalidate=10",
  ...STATS_CORS_HEADERS,
} as const;
