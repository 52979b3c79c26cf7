import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { signatures } from "@/db/schema";
import { InvalidateSchema, type InvalidateInput } from "@/lib/schemas/moderation";
import { canChange, restoreTransitionFor, SIGNATURE_TRANSITIONS, type SignatureTransition } from "@/lib/signature-lifecycle";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { changeSignatureStatus } from "@/server/signatures/lifecycle";
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

type ModerationStep = {
  transition: SignatureTransition;
  set: Parameters<typeof changeSignatureStatus>[1]["set"];
  details: Record<string, unknown>;
};

/**
 * One moderation step on one signature, in one immediate transaction: read
 * it, let `decide` say what to do (null: nothing, it already is so), change
 * its status with its counters (server/signatures/lifecycle.ts), audit it
 * as `action`, and return it as it is now.
 */
function moderateOne(options: {
  actor: Actor;
  id: number;
  action: string;
  decide: (before: ModeratedSignature, now: number) => ModerationStep | null;
  db?: AppDatabase;
  now?: number;
}): ModeratedSignature {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const before = findModeratedSignature(tx, options.id);
      const step = options.decide(before, now);
      if (!step) return before;
      // The immediate transaction holds the write lock since the read, so the guard cannot miss.
      if (!changeSignatureStatus(tx, { signature: before, transition: step.transition, set: step.set })) throw new AppError("CONFLICT", "signatureChanged");
      recordAudit(tx, {
        actor: toAuditActor(options.actor),
        action: options.action,
        targetType: "signature",
        targetId: before.id,
        details: step.details,
        rowCount: 1,
        now,
      });
      return findModeratedSignature(tx, before.id);
    },
    { behavior: "immediate" },
  );
}

/**
 * Marks one signature as invalid (fraud, duplicate person, abuse) with a
 * reason. Needs `moderate`. A verified one leaves every public counter it
 * was in (its day is the day it was verified, and verified_at is kept so
 * a restore gives it back to the same day); invalidating twice is a
 * no-op; a withdrawn one is refused with CONFLICT, since the signer
 * already took it back. Throws NOT_FOUND for an unknown id.
 */
export function invalidateSignature(options: {
  actor: Actor;
  id: number;
  reason: InvalidateInput["reason"];
  db?: AppDatabase;
  now?: number;
}): ModeratedSignature {
  assertCan(options.actor, "moderate");
  const { reason } = parseOrThrow(InvalidateSchema, { reason: options.reason });
  return moderateOne({
    ...options,
    action: "signature.invalidate",
    decide: (before, now) => {
      if (before.status === "invalidated") return null;
      // The only status left that cannot be invalidated: the signer took it back.
      if (!canChange("invalidate", before.status)) throw new AppError("CONFLICT", "signatureWithdrawn");
      return {
        transition: "invalidate",
        set: { invalidatedAt: now, invalidationReason: reason, invalidatedBy: actorUserId(options.actor) },
        details: { reason, previousStatus: before.status },
      };
    },
  });
}

/**
 * Undoes an invalidation: the signature becomes verified again if it had
 * been confirmed (counted again on the day it was verified), pending
 * otherwise. Needs `moderate`. Restoring one that is not invalidated
 * is a no-op; a withdrawn one is refused with CONFLICT. Throws NOT_FOUND.
 */
export function restoreSignature(options: { actor: Actor; id: number; db?: AppDatabase; now?: number }): ModeratedSignature {
  assertCan(options.actor, "moderate");
  return moderateOne({
    ...options,
    action: "signature.restore",
    decide: (before) => {
      if (before.status === "withdrawn") throw new AppError("CONFLICT", "signatureWithdrawn");
      const transition = restoreTransitionFor(before);
      if (!canChange(transition, before.status)) return null;
      return {
        transition,
        set: { invalidatedAt: null, invalidationReason: null, invalidatedBy: null },
        details: { restoredTo: SIGNATURE_TRANSITIONS[transition].to, invalidationReason: before.invalidationReason },
      };
    },
  });
}
