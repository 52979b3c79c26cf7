import "server-only";
import { eq, inArray } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { mailOutbox, signatureTokens, type TokenPurpose } from "@/db/schema";
import { canChange } from "@/lib/signature-lifecycle";
import { checkpointAfterErasure } from "@/db/wal-checkpointer";
import { recordAudit, type AuditActor } from "@/server/audit/record-audit";
import { listRecipientHashes } from "@/server/privacy/daily-hash-keys";
import { dropIpHashFromAudit, erasedPersonalData } from "@/server/privacy/erasure";
import { AppError } from "@/server/errors";
import { ERASABLE_SIGNATURE_COLUMNS, findSignatureByToken } from "./find-signature-by-token";
import { changeSignatureStatus } from "./lifecycle";

/**
 * Tokens that may withdraw: the link in every email, the signer's private
 * page, and an update email's links (its unsubscribe page offers to
 * withdraw instead, decision 0022).
 */
export const WITHDRAWING_PURPOSES = ["withdraw", "manage", "unsubscribe"] as const satisfies readonly TokenPurpose[];
type WithdrawingPurpose = (typeof WITHDRAWING_PURPOSES)[number];

type TokenSignature = NonNullable<ReturnType<typeof findSignatureByToken<typeof ERASABLE_SIGNATURE_COLUMNS>>>;

function assertUsable(row: TokenSignature | undefined, now: number): asserts row is TokenSignature {
  // A withdrawn signature has no tokens left; the status check covers a race with another withdrawal.
  if (!row || !canChange("withdraw", row.status)) throw new AppError("NOT_FOUND", "tokenInvalid");
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
  assertUsable(findSignatureByToken(db, options.token, options.purposes ?? ["withdraw"], ERASABLE_SIGNATURE_COLUMNS), options.now ?? Date.now());
  return "ready";
}

/** What erasing a signature needs to know of it, read before the erasure. */
export type ErasableSignature = Pick<TokenSignature, "signatureId" | "status" | "emailKey" | "country" | "verifiedAt" | "referredBy" | "utmSource">;

/**
 * Erases a signature inside the caller's (immediate) transaction, as a
 * withdrawal does: a verified one leaves every counter it is in, then the
 * row's personal data, its share code and its IP hash go, its tokens are
 * deleted, every email still waiting for it is deleted from the outbox
 * (their bodies hold the name and the links), the recipient hashes of its
 * sent ones are blanked, and the IP hash is dropped from its audit rows
 * (decision 0019). Country and days are kept, and so is where it came
 * from, so the counts stay consistent with their history. The email key
 * becomes `withdrawn:<id>`, so the person may sign again. Throws NOT_FOUND
 * when the row changed meanwhile. The caller checkpoints after COMMIT
 * (`checkpointAfterErasure`) so the old bytes leave the WAL.
 */
export function eraseSignature(
  tx: Transaction,
  row: ErasableSignature,
  audit: { actor: AuditActor; action: string; now: number },
): void {
  const { now } = audit;
  const changed = changeSignatureStatus(tx, {
    signature: { ...row, id: row.signatureId },
    transition: "withdraw",
    set: {
      ...erasedPersonalData(`withdrawn:${row.signatureId}`),
      withdrawnAt: now,
    },
  });
  // The immediate transaction holds the write lock since the read, so the guard cannot miss.
  if (!changed) throw new AppError("NOT_FOUND", "tokenInvalid");
  tx.delete(signatureTokens).where(eq(signatureTokens.signatureId, row.signatureId)).run();
  tx.delete(mailOutbox).where(eq(mailOutbox.signatureId, row.signatureId)).run();
  const recipientHashes = listRecipientHashes(row.emailKey, { db: tx });
  if (recipientHashes.length > 0) tx.update(mailOutbox).set({ recipientKey: "" }).where(inArray(mailOutbox.recipientKey, recipientHashes)).run();
  dropIpHashFromAudit(tx, [row.signatureId]);
  recordAudit(tx, {
    actor: audit.actor,
    action: audit.action,
    targetType: "signature",
    targetId: row.signatureId,
    details: { previousStatus: row.status },
    rowCount: 1,
    now,
  });
}

/**
 * Withdraws the signature a `withdraw` (or, from the private page, `manage`)
 * token belongs to, in one transaction (`eraseSignature`), then checkpoints
 * so the erased bytes leave the database's files. Anyone holding the link
 * may call it. Throws NOT_FOUND for an unknown or spent token (a second
 * withdrawal), EXPIRED for an expired one.
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
      const row = findSignatureByToken(tx, options.token, options.purposes ?? ["withdraw"], ERASABLE_SIGNATURE_COLUMNS);
      assertUsable(row, now);
      eraseSignature(tx, row, { actor: { userId: null, email: null }, action: "signature.withdraw", now });
    },
    { behavior: "immediate" },
  );
  checkpointAfterErasure(db);
}
