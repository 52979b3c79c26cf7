import "server-only";
import { sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { statCounters, type CounterScope, type Signature, type SignatureStatus } from "@/db/schema";

/** UTC calendar day of a timestamp, the key of the per-day counter. */
export function toDayKey(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 10);
}

/**
 * Moves every counter of verified signatures a signature belongs to by
 * `delta` (+1 when it is verified, -1 when a verified one is invalidated or
 * withdrawn): total, country, day, and its referral code and utm_source
 * when it has them. Call it inside the transaction that changes the status.
 */
export function moveSignatureCounters(
  tx: Transaction,
  signature: Pick<Signature, "country" | "verifiedAt"> & Partial<Pick<Signature, "referredBy" | "utmSource">>,
  delta: 1 | -1,
): void {
  const keys: { scope: CounterScope; key: string }[] = [
    { scope: "total", key: "" },
    { scope: "country", key: signature.country },
  ];
  if (signature.verifiedAt !== null) keys.push({ scope: "day", key: toDayKey(signature.verifiedAt) });
  if (signature.referredBy) keys.push({ scope: "ref", key: signature.referredBy });
  if (signature.utmSource) keys.push({ scope: "utm", key: signature.utmSource });
  for (const { scope, key } of keys) addToCounter(tx, scope, key, delta);
}

/** Adds `delta` to one counter row, creating it if needed. Call inside the transaction of the change. */
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

/**
 * Keeps the per-status counters (organizers' dashboard) right: call it in
 * the transaction that inserts a signature (`from` null) or changes its status.
 */
export function moveStatusCounter(tx: Transaction, from: SignatureStatus | null, to: SignatureStatus | null): void {
  if (from === to) return;
  if (from) addToCounter(tx, "status", from, -1);
  if (to) addToCounter(tx, "status", to, 1);
}
