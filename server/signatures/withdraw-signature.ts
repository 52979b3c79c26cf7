import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { mailOutbox, signatures, signatureTokens, type TokenPurpose } from "@/db/schema";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { hashToken } from "@/server/security/tokens";
import { moveSignatureCounters, moveStatusCounter } from "@/server/stats/counters";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";

/** The withdrawal link lasts as long as a campaign reasonably runs; every email carries a fresh one. */
export const WITHDRAW_TOKEN_TTL_DAYS = 365;

/**
 * Tokens that may withdraw: the link in every email, the signer's private
 * page, and an update email's links (its unsubscribe page offers to
 * withdraw instead, decision 0022).
 */
export const WITHDRAWING_PURPOSES = ["withdraw", "manage", "unsubscribe"] as const satisfies readonly TokenPurpose[];
type WithdrawingPurpose = (typeof WITHDRAWING_PURPOSES)[number];


function findTokenRow(db: AppDatabase | Transaction, token: string, purposes: readonly WithdrawingPurpose[]) {
  if (!LINK_TOKEN_SHAPE.test(token) || purposes.length === 0) return undefined;
  return db
    .select({
      signatureId: signatureTokens.signatureId,
      expiresAt: signatureTokens.expiresAt,
      status: signatures.status,
      emailKey: signatures.emailKey,
      country: signatures.country,
      verifiedAt: signatures.verifiedAt,
      referredBy: signatures.referredBy,
      utmSource: signatures.utmSource,
    })
    .from(signatureTokens)
    .innerJoin(signatures, eq(signatures.id, signatureTokens.signatureId))
    .where(and(eq(signatureTokens.tokenHash, hashToken(token)), inArray(signatureTokens.purpose, [...purposes])))
    .get();
}

type TokenRow = NonNullable<ReturnType<typeof findTokenRow>>;

function assertUsable(row: TokenRow | undefined, now: number): asserts row is TokenRow {
  // A withdrawn signature has no tokens left; the status check covers a race with another withdrawal.
  if (!row || row.status === "withdrawn") throw new AppError("NOT_FOUND", "tokenInvalid");
  if (row.expiresAt <= now) throw new AppError("EXPIRED", "tokenExpired");
}

/**
 * Says whether this link can withdraw a signature, without changing
 * anything (the GET of the withdrawal page). Anyone holding the link may
 * call it. Throws NOT_FOUND for an unknown token or one whose signature is
 * already withdrawn, EXPIRED for an expired one.
 */
export function getWithdrawalState(options: {
  token: string;
  purposes?: readonly WithdrawingPurpose[];
  db?: AppDatabase;
  now?: number;
}): "ready" {
  const db = options.db ?? getDb();
  assertUsable(findTokenRow(db, options.token, options.purposes ?? ["withdraw"]), options.now ?? Date.now());
  return "ready";
}

/**
 * Withdraws the signature a `withdraw` (or, from the private page, `manage`)
 * token belongs to, in one transaction: a verified one leaves every counter
 * it is in, then the row's personal data is erased, its tokens are deleted
 * and every email to the person is removed from the outbox (their bodies
 * hold the name and the links). Country, days, the share code and where it
 * came from are kept, so the counts stay consistent with their history and
 * signatures that came through the signer's link stay attributed. The
 * email key becomes `withdrawn:<id>`, so the person may sign again. Anyone
 * holding the link may call it. Throws NOT_FOUND for an unknown or spent
 * token (a second withdrawal), EXPIRED for an expired one.
 */
export function withdrawSignature(options: {
  token: string;
  purposes?: readonly WithdrawingPurpose[];
  db?: AppDatabase;
  now?: number;
}): void {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  db.transaction(
    (tx) => {
      const row = findTokenRow(tx, options.token, options.purposes ?? ["withdraw"]);
      assertUsable(row, now);
      const updated = tx
        .update(signatures)
        .set({
          name: "",
          email: "",
          emailKey: `withdrawn:${row.signatureId}`,
          city: null,
          ipHash: null,
          utmSource: null,
          utmCampaign: null,
          isPublicName: false,
          wantsUpdates: false,
          status: "withdrawn",
          withdrawnAt: now,
        })
        .where(and(eq(signatures.id, row.signatureId), eq(signatures.status, row.status)))
        .run();
      // The immediate transaction holds the write lock since the read, so the guard cannot miss.
      if (updated.changes !== 1) throw new AppError("NOT_FOUND", "tokenInvalid");
      // The counters move by what the row held before the erasure (its ref code and utm_source).
      if (row.status === "verified") moveSignatureCounters(tx, row, -1);
      moveStatusCounter(tx, row.status, "withdrawn");
      tx.delete(signatureTokens).where(eq(signatureTokens.signatureId, row.signatureId)).run();
      tx.delete(mailOutbox).where(eq(mailOutbox.recipientKey, row.emailKey)).run();
      recordAudit(tx, {
        actor: { userId: null, email: null },
        action: "signature.withdraw",
        targetType: "signature",
        targetId: row.signatureId,
        details: { previousStatus: row.status },
        rowCount: 1,
        now,
      });
    },
    { behavior: "immediate" },
  );
}
