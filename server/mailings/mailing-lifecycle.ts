import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { mailings, type Mailing, type MailingState } from "@/db/schema";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan, type Capability } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { getRequireMailingApproval } from "./mailing-approval";
import { nudgeMailingSender } from "./mailing-sender";

// Every change of a mailing's state, in one place (decision 0022):
//   prepared ─confirm→ sending, or awaitingApproval when owners require a
//   second organizer ─approve→ sending ⇄ paused; any of them ─cancel→
//   cancelled; the sender moves sending → done when nothing is left.

type Options = { actor: Actor; mailingId: number; db?: AppDatabase; now?: number };

function changeState(
  options: Options,
  capability: Capability,
  action: string,
  from: readonly MailingState[],
  decide: (mailing: Mailing, tx: Transaction, now: number) => Partial<Mailing> & { state: MailingState },
): MailingState {
  assertCan(options.actor, capability);
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const state = db.transaction(
    (tx) => {
      const mailing = tx.select().from(mailings).where(eq(mailings.id, options.mailingId)).get();
      if (!mailing) throw new AppError("NOT_FOUND", "mailingNotFound");
      if (!from.includes(mailing.state)) throw new AppError("CONFLICT", "mailingStateChanged");
      const change = decide(mailing, tx, now);
      tx.update(mailings)
        .set(change)
        .where(and(eq(mailings.id, mailing.id), inArray(mailings.state, [...from])))
        .run();
      recordAudit(tx, {
        actor: toAuditActor(options.actor),
        action,
        targetType: "mailing",
        targetId: mailing.id,
        details: { updateId: mailing.updateId, from: mailing.state, to: change.state },
        now,
      });
      return change.state;
    },
    { behavior: "immediate" },
  );
  if (state === "sending") nudgeMailingSender();
  return state;
}

const confirmedBy = (actor: Actor) => (actor.kind === "organizer" ? actor.id : null);

/**
 * The confirm step: a prepared mailing starts sending, or waits for a
 * second organizer's approval when owners require it. Admins and owners;
 * audited. Returns the new state.
 */
export function confirmMailing(options: Options): MailingState {
  return changeState(options, "sendMailings", "mailing.confirm", ["prepared"], (_mailing, tx, now) =>
    getRequireMailingApproval({ db: tx })
      ? { state: "awaitingApproval", confirmedBy: confirmedBy(options.actor), confirmedAt: now }
      : { state: "sending", confirmedBy: confirmedBy(options.actor), confirmedAt: now, startedAt: now },
  );
}

/**
 * A second organizer (admin or owner) lets a mailing that waits for
 * approval go out. The approver must be a signed-in organizer other than
 * the one who prepared it and the one who confirmed it (FORBIDDEN
 * "approverMustDiffer"). Audited.
 */
export function approveMailing(options: Options): MailingState {
  return changeState(options, "approveMailings", "mailing.approve", ["awaitingApproval"], (mailing, _tx, now) => {
    const { actor } = options;
    if (actor.kind !== "organizer" || actor.id === mailing.createdBy || actor.id === mailing.confirmedBy) {
      throw new AppError("FORBIDDEN", "approverMustDiffer");
    }
    return { state: "sending", approvedBy: actor.id, approvedAt: now, startedAt: now };
  });
}

/** Stops sending after the emails already in flight; nothing is lost (resume continues). Admins and owners; audited. */
export function pauseMailing(options: Options): MailingState {
  return changeState(options, "sendMailings", "mailing.pause", ["sending"], () => ({ state: "paused" }));
}

/** Continues a paused mailing where it stopped. Admins and owners; audited. */
export function resumeMailing(options: Options): MailingState {
  return changeState(options, "sendMailings", "mailing.resume", ["paused"], () => ({ state: "sending" }));
}

/**
 * Ends a mailing that is not done: nobody else gets it. Signers it already
 * reached stay recorded, so a new mailing of the same update skips them.
 * Admins and owners; audited.
 */
export function cancelMailing(options: Options): MailingState {
  return changeState(options, "sendMailings", "mailing.cancel", ["prepared", "awaitingApproval", "sending", "paused"], (_mailing, _tx, now) => ({
    state: "cancelled",
    finishedAt: now,
  }));
}
