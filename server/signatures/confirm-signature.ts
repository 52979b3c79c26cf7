import "server-only";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { getGroupCommit } from "@/db/group-commit";
import { signatures } from "@/db/schema";
import { AppError } from "@/server/errors";
import { addToCounter } from "@/server/stats/counters";
import { findSignatureByToken } from "./find-signature-by-token";
import { changeSignatureStatus } from "./lifecycle";

export type ConfirmationState = "ready" | "alreadyConfirmed";

/** What confirming needs of the row: its status and the fields the counters it joins are keyed on. */
const CONFIRMED_COLUMNS = {
  signatureId: signatures.id,
  status: signatures.status,
  country: signatures.country,
  referredBy: signatures.referredBy,
  utmSource: signatures.utmSource,
  remindedAt: signatures.remindedAt,
};

/**
 * Says what pressing "confirm" would do for this token, without changing
 * anything (the GET of the confirmation page). Anyone holding the link may
 * call it. Throws NOT_FOUND for an unknown or spent token, EXPIRED for an
 * expired one.
 */
export function getConfirmationState(options: { token: string; db?: AppDatabase; now?: number }): ConfirmationState {
  const db = options.db ?? getDb();
  const row = findSignatureByToken(db, options.token, ["confirm"], CONFIRMED_COLUMNS);
  if (!row || (row.status !== "pending" && row.status !== "verified")) throw new AppError("NOT_FOUND", "tokenInvalid");
  if (row.status === "verified") return "alreadyConfirmed";
  if (row.expiresAt <= (options.now ?? Date.now())) throw new AppError("EXPIRED", "tokenExpired");
  return "ready";
}

/**
 * A refused token is an answer, not an exception, inside the group commit:
 * a piece that throws makes its whole batch run again (decision 0027), and
 * anyone can send an old or made-up link.
 */
type ConfirmationOutcome = ConfirmationState | "invalid" | "expired";

function applyConfirmation(tx: Transaction, token: string, now: number): ConfirmationOutcome {
  const row = findSignatureByToken(tx, token, ["confirm"], CONFIRMED_COLUMNS);
  if (!row || (row.status !== "pending" && row.status !== "verified")) return "invalid";
  if (row.status === "verified") return "alreadyConfirmed";
  if (row.expiresAt <= now) return "expired";
  // A pending signature has never been verified (a restore gives a confirmed one back as verified).
  const confirmed = changeSignatureStatus(tx, { signature: { ...row, id: row.signatureId, verifiedAt: null }, transition: "confirm", set: { verifiedAt: now } });
  // The dashboard's "confirmed after a reminder" (decision 0022): a counter, so nobody counts rows.
  if (confirmed && row.remindedAt !== null) addToCounter(tx, "reminder", "confirmed", 1);
  return "ready";
}

/**
 * Verifies the signature a confirmation token belongs to and moves the
 * public counters in the same transaction: the confirmation button's work,
 * in the group commit (db/group-commit.ts), so a wave of confirmations
 * shares the sign path's batches and their off-loop fsync; resolves once on
 * disk. Anyone holding the link may call it; confirming twice is harmless
 * (the second time changes nothing). Rejects with NOT_FOUND for an unknown
 * or spent token, EXPIRED for an expired one.
 */
export async function submitConfirmation(options: { token: string; db?: AppDatabase; now?: number }): Promise<ConfirmationState> {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const outcome = await getGroupCommit(db).run((tx) => applyConfirmation(tx, options.token, now));
  if (outcome === "invalid") throw new AppError("NOT_FOUND", "tokenInvalid");
  if (outcome === "expired") throw new AppError("EXPIRED", "tokenExpired");
  return outcome;
}
