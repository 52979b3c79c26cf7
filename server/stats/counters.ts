import "server-only";
import { sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { statCounters, type CounterScope } from "@/db/schema";

/**
 * Adds `delta` to one counter row, creating it if needed. Call inside the
 * transaction of the change; which counters a change moves is
 * server/signatures/lifecycle.ts's business (decision 0023).
 */
export function addToCounter(tx: Transaction, scope: CounterScope, key: string, delta: number): void {
  if (delta === 0) return;
  preparedQuery(tx, "addToCounter", (db) =>
    db
      .insert(statCounters)
      .values({ scope: sql.placeholder("scope"), key: sql.placeholder("key"), count: sql.placeholder("delta") })
      .onConflictDoUpdate({
        target: [statCounters.scope, statCounters.key],
        set: { count: sql`${statCounters.count} + excluded.count` },
      })
      .prepare(),
  ).run({ scope, key, delta });
}
