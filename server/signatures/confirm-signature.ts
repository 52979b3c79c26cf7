import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { getGroupCommit } from "@/db/group-commit";
import { signatures, signatureTokens } from "@/db/schema";
import { AppError } from "@/server/errors";
import { hashToken } from "@/server/security/tokens";
import { addToCounter, moveSignatureCounters, moveStatusCounter } from "@/server/stats/counters";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";

export type ConfirmationState = "ready" | "alreadyConfirmed";


function findTokenRow(db: AppDatabase | Transaction, token: string) {
  if (!LINK_TOKEN_SHAPE.test(token)) return undefined;
  return db
    .select({
      signatureId: signatureTokens.signatureId,
      expiresAt: signatureTokens.expiresAt,
      status: signatures.status,
      country: signatures.country,
      referredBy: signatures.referredBy,
      utmSource: signatures.utmSource,
      remindedAt: signatures.remindedAt,
    })
    .from(signatureTokens)
    .innerJoin(signatures, eq(signatures.id, signatureTokens.signatureId))
    .where(and(eq(signatureTokens.tokenHash, hashToken(token)), eq(signatureTokens.purpose, "confirm")))
    .get();
}

/**
 * Says what pressing "confirm" would do for this token, without changing
 * anything (the GET of the confirmation page). Anyone holding the link may
 * call it. Throws NOT_FOUND for an unknown or spent token, EXPIRED for an
 * expired one.
 */
export function getConfirmationState(options: { token: string; db?: AppDatabase; now?: number }): ConfirmationState {
  const db = options.db ?? getDb();
  const row = findTokenRow(db, options.token);
  if (!row || (row.status !== "pending" && row.status !== "verified")) throw new AppError("NOT_FOUND", "tokenInvalid");
  if (row.status === "verified") return "alreadyConfirmed";
  if (row.expiresAt <= (options.now ?? Date.now())) throw new AppError("EXPIRED", "tokenExpired");
  return "ready";
}

function applyConfirmation(tx: Transaction, token: string, now: number): ConfirmationState {
  const row = findTokenRow(tx, token);
  if (!row || (row.status !== "pending" && row.status !== "verified")) throw new AppError("NOT_FOUND", "tokenInvalid");
  if (row.status === "verified") return "alreadyConfirmed";
  if (row.expiresAt <= now) throw new AppError("EXPIRED", "tokenExpired");
  const updated = tx
    .update(signatures)
    .set({ status: "verified", verifiedAt: now })
    .where(and(eq(signatures.id, row.signatureId), eq(signatures.status, "pending")))
    .run();
  if (updated.changes === 1) {
    moveSignatureCounters(tx, { country: row.country, verifiedAt: now, referredBy: row.referredBy, utmSource: row.utmSource }, 1);
    moveStatusCounter(tx, "pending", "verified");
    // The dashboard's "confirmed after a reminder" (decision 0022): a counter, so nobody counts rows.
    if (row.remindedAt !== null) addToCounter(tx, "reminder", "confirmed", 1);
  }
  return "ready";
}

/**
 * Verifies the signature a confirmation token belongs to and moves the
 * public counters in the same transaction. Anyone holding the link may call
 * it; confirming twice is harmless (the second time changes nothing).
 * Throws NOT_FOUND for an unknown or spent token, EXPIRED for an expired one.
 */
export function confirmSignature(options: { token: string; db?: AppDatabase; now?: number }): ConfirmationState {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) => applyConfirmation(tx, options.token, now), { behavior: "immediate" });
}

/**
 * `confirmSignature` for the confirmation button: the same work in the
 * group commit (db/group-commit.ts), so a wave of confirmations shares the
 * sign path's batches and their off-loop fsync; resolves once on disk.
 */
export function submitConfirmation(options: { token: string; db?: AppDatabase; now?: number }): Promise<ConfirmationState> {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return getGroupCommit(db).run((tx) => applyConfirmation(tx, options.token, now));
}
