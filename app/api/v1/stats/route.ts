import { getStats } from "@/server/stats/get-stats";

export const dynamic = "force-dynamic";

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-max-age": "86400",
};

/**
 * GET /api/v1/stats: verified totals, public and cacheable for a few
 * seconds (a CDN absorbs refreshes), open to partner sites by CORS.
 */
export function GET(): Response {
  return new Response(JSON.stringify(getStats()), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "public, max-age=2, s-maxage=2, stale-while-revalidate=10",
      ...CORS_HEADERS,
    },
  });
}

export function OPTIONS(): Response {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
