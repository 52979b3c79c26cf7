import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

/** Whether the database answers a trivial query. Anyone may call it. */
export function checkDatabaseHealth(): boolean {
  try {
    return getDb().get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
  } catch {
    return false;
  }
}
