import { readStatsJson, STATS_CORS_HEADERS, STATS_RESPONSE_HEADERS } from "@/server/stats/read-stats-json";

export const dynamic = "force-dynamic";


/**
 * GET /api/v1/stats: verified totals, public, at most a second old, open to
 * partner sites by CORS. In production the custom server answers this path
 * itself (decision 0012); this route serves `next dev` and plain `next start`.
 */
export function GET(): Response {
  return new Response(readStatsJson(), { headers: STATS_RESPONSE_HEADERS });
}

export function OPTIONS(): Response {
  return new Response(null, { status: 204, headers: STATS_CORS_HEADERS });
}
