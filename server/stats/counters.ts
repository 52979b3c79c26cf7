import "server-only";
import { sql } from "drizzle-orm";
import { statCounters, type Signature } from "@/db/schema";
import type { Transaction } from "@/server/mail/enqueue-email";

/** UTC calendar day of a timestamp, the key of the per-day counter. */
export function toDayKey(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 10);
}

/**
 * Moves every public counter a signature belongs to by `delta` (+1 when it
 * is verified, -1 when a verified one is invalidated or withdrawn). Call it
 * inside the transaction that changes the signature's status.
 */
export function moveSignatureCounters(
  tx: Transaction,
  signature: Pick<Signature, "country" | "verifiedAt">,
  delta: 1 | -1,
): void {
  const keys: { scope: "total" | "country" | "day"; key: string }[] = [
    { scope: "total", key: "" },
    { scope: "country", key: signature.country },
  ];
  if (signature.verifiedAt !== null) keys.push({ scope: "day", key: toDayKey(signature.verifiedAt) });
  for (const { scope, key } of keys) {
    tx.insert(statCounters)
      .values({ scope, key, count: delta })
      .onConflictDoUpdate({
        target: [statCounters.scope, statCounters.key],
        set: { count: sql`${statCounters.count} + ${delta}` },
      })
      .run();
  }
}
