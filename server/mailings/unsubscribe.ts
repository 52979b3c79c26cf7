import "server-only";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { getGroupCommit } from "@/db/group-commit";
import { signatures, signatureTokens } from "@/db/schema";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";
import { AppError } from "@/server/errors";
import { hashToken } from "@/server/security/tokens";

/**
 * Turns updates off for the signer an update email's `unsubscribe` token
 * belongs to. An unknown, expired or malformed token changes nothing, and
 * the caller cannot tell (no probing who is subscribed). Only
 * `wants_updates` and `unsubscribed_at` change: never a status or a count.
 */
function applyUnsubscribe(tx: Transaction | AppDatabase, token: string, now: number): void {
  if (!LINK_TOKEN_SHAPE.test(token)) return;
  tx.update(signatures)
    .set({ wantsUpdates: false, unsubscribedAt: now })
    .where(
      and(
        eq(signatures.wantsUpdates, true),
        eq(
          signatures.id,
          sql`(select ${signatureTokens.signatureId} from ${signatureTokens} where ${signatureTokens.tokenHash} = ${hashToken(token)} and ${signatureTokens.purpose} = 'unsubscribe' and ${signatureTokens.expiresAt} > ${now})`,
        ),
      ),
    )
    .run();
}

/**
 * RFC 8058's one-click unsubscribe and the unsubscribe page's button
 * (decision 0022). Anyone holding the link may call it: the token is the
 * authorization, no cookie or session is involved. Resolves once on disk
 * (group commit, so a wave of one-click POSTs shares the sign path's
 * batches), the same way whatever the token.
 */
export function submitUnsubscribe(options: { token: string; db?: AppDatabase; now?: number }): Promise<void> {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return getGroupCommit(db).run((tx) => applyUnsubscribe(tx, options.token, now));
}

export type SignerUpdates = { wantsUpdates: boolean; isUndeliverable: boolean };

function findManagedSignature(db: AppDatabase | Transaction, token: string, now: number) {
  if (!LINK_TOKEN_SHAPE.test(token)) return undefined;
  return db
    .select({ id: signatures.id, wantsUpdates: signatures.wantsUpdates, undeliverableAt: signatures.undeliverableAt })
    .from(signatureTokens)
    .innerJoin(signatures, eq(signatures.id, signatureTokens.signatureId))
    .where(
      and(
        eq(signatureTokens.tokenHash, hashToken(token)),
        eq(signatureTokens.purpose, "manage"),
        gt(signatureTokens.expiresAt, now),
        inArray(signatures.status, ["pending", "verified"]),
      ),
    )
    .get();
}

/**
 * Whether the signer whose private page this is (`manage` token) gets
 * updates, and whether their address was refused for good. Anyone holding
 * the page's link may call it; throws NOT_FOUND for an unknown or expired
 * link.
 */
export function getSignerUpdates(options: { token: string; db?: AppDatabase; now?: number }): SignerUpdates {
  const row = findManagedSignature(options.db ?? getDb(), options.token, options.now ?? Date.now());
  if (!row) throw new AppError("NOT_FOUND", "tokenInvalid");
  return { wantsUpdates: row.wantsUpdates, isUndeliverable: row.undeliverableAt !== null };
}

/**
 * The updates switch of the signer's private page. Off: as an unsubscribe.
 * On: subscribed again, and an address once refused is tried again (the
 * signer asked; one more refusal marks it again). Never changes a status
 * or a count. Anyone holding the page's link may call it; throws
 * NOT_FOUND for an unknown or expired link.
 */
export function setSignerUpdates(options: { token: string; wantsUpdates: boolean; db?: AppDatabase; now?: number }): SignerUpdates {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const row = findManagedSignature(tx, options.token, now);
      if (!row) throw new AppError("NOT_FOUND", "tokenInvalid");
      if (options.wantsUpdates) {
        tx.update(signatures)
          .set({ wantsUpdates: true, unsubscribedAt: null, undeliverableAt: null, undeliverableReason: null })
          .where(eq(signatures.id, row.id))
          .run();
        return { wantsUpdates: true, isUndeliverable: false };
      }
      if (row.wantsUpdates) tx.update(signatures).set({ wantsUpdates: false, unsubscribedAt: now }).where(eq(signatures.id, row.id)).run();
      return { wantsUpdates: false, isUndeliverable: row.undeliverableAt !== null };
    },
    { behavior: "immediate" },
  );
}
