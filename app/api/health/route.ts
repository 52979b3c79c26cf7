import { checkDatabaseHealth } from "@/server/stats/check-health";

export const dynamic = "force-dynamic";

/** GET /api/health: 200 { ok: true } when the database answers, 503 otherwise. */
export function GET(): Response {
  const ok = checkDatabaseHealth();
  return new Response(JSON.stringify({ ok }), {
    status: ok ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
