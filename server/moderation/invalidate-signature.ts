import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { signatures } from "@/db/schema";
import { InvalidateSchema, type InvalidateInput } from "@/lib/schemas/moderation";
import { assertRole, toAuditActor, type Actor } from "@/server/auth/actor";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { moveSignatureCounters, moveStatusCounter } from "@/server/stats/counters";
import { MODERATED_SIGNATURE_COLUMNS, parseOrThrow, type ModeratedSignature } from "./search-signatures";

function findModeratedSignature(tx: Transaction, id: number): ModeratedSignature {
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError("NOT_FOUND", "signatureNotFound");
  const row = tx.select(MODERATED_SIGNATURE_COLUMNS).from(signatures).where(eq(signatures.id, id)).get();
  if (!row) throw new AppError("NOT_FOUND", "signatureNotFound");
  return row;
}

/** `invalidated_by` holds an organizer's id; the command line has none. */
function actorUserId(actor: Actor): number | null {
  return actor.kind === "organizer" ? actor.id : null;
}

/**
 * Marks one signature as invalid (fraud, duplicate person, abuse) with a
 * reason. Admins and owners only. A verified one leaves every public
 * counter it was in (its day is the day it was verified); invalidating
 * twice is a no-op; a withdrawn one is refused with CONFLICT, since the
 * signer already took it back. Throws NOT_FOUND for an unknown id.
 */
export function invalidateSignature(options: {
  actor: Actor;
  id: number;
  reason: InvalidateInput["reason"];
  db?: AppDatabase;
  now?: number;
}): ModeratedSignature {
  assertRole(options.actor, "admin");
  const { reason } = parseOrThrow(InvalidateSchema, { reason: options.reason });
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const before = findModeratedSignature(tx, options.id);
      if (before.status === "invalidated") return before;
      if (before.status === "withdrawn") throw new AppError("CONFLICT", "signatureWithdrawn");
      const previousStatus = before.status;
      const after = tx
        .update(signatures)
        .set({ status: "invalidated", invalidatedAt: now, invalidationReason: reason, invalidatedBy: actorUserId(options.actor) })
        .where(and(eq(signatures.id, before.id), eq(signatures.status, previousStatus)))
        .returning(MODERATED_SIGNATURE_COLUMNS)
        .get();
      // The immediate transaction holds the write lock since the read, so the guard cannot miss.
      if (!after) throw new AppError("CONFLICT", "signatureChanged");
      // verified_at is kept: a restore must give the signature back to the same day.
      if (previousStatus === "verified") moveSignatureCounters(tx, before, -1);
      moveStatusCounter(tx, previousStatus, "invalidated");
      recordAudit(tx, {
        actor: toAuditActor(options.actor),
        action: "signature.invalidate",
        targetType: "signature",
        targetId: before.id,
        details: { reason, previousStatus },
        rowCount: 1,
        now,
      });
      return after;
    },
    { behavior: "immediate" },
  );
}

/**
 * Undoes an invalidation: the signature becomes verified again if it had
 * been confirmed (counted again on the day it was verified), pending
 * otherwise. Admins and owners only. Restoring one that is not invalidated
 * is a no-op; a withdrawn one is refused with CONFLICT. Throws NOT_FOUND.
 */
export function restoreSignature(options: { actor: Actor; id: number; db?: AppDatabase; now?: number }): ModeratedSignature {
  assertRole(options.actor, "admin");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const before = findModeratedSignature(tx, options.id);
      if (before.status === "withdrawn") throw new AppError("CONFLICT", "signatureWithdrawn");
      if (before.status !== "invalidated") return before;
      const restoredTo = before.verifiedAt !== null ? "verified" : "pending";
      const after = tx
        .update(signatures)
        .set({ status: restoredTo, invalidatedAt: null, invalidationReason: null, invalidatedBy: null })
        .where(and(eq(signatures.id, before.id), eq(signatures.status, "invalidated")))
        .returning(MODERATED_SIGNATURE_COLUMNS)
        .get();
      if (!after) throw new AppError("CONFLICT", "signatureChanged");
      if (restoredTo === "verified") moveSignatureCounters(tx, before, 1);
      moveStatusCounter(tx, "invalidated", restoredTo);
      recordAudit(tx, {
        actor: toAuditActor(options.actor),
        action: "signature.restore",
        targetType: "signature",
        targetId: before.id,
        details: { restoredTo, invalidationReason: before.invalidationReason },
        rowCount: 1,
        now,
      });
      return after;
    },
    { behavior: "immediate" },
  );
}
