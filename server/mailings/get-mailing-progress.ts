import "server-only";
import { and, count, desc, eq, gt } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { getDb, type AppDatabase } from "@/db/client";
import { mailingRecipients, mailings, users, MAILING_RECIPIENT_STATES, type MailingRecipientState, type MailingState } from "@/db/schema";
import { type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { getMailThrottle } from "@/server/mail/mail-throttle";
import { getRequireMailingApproval } from "./mailing-approval";

/** The window the sending rate is measured over. */
const RATE_WINDOW_MS = 60_000;

export type MailingProgress = {
  id: number;
  updateId: number;
  state: MailingState;
  pauseReason: string | null;
  recipientCount: number;
  counts: Record<MailingRecipientState, number>;
  /** Not sent yet and not skipped or failed: queued, or in flight. */
  remaining: number;
  /** Emails sent per minute, over the last minute (or since the start, if shorter). */
  ratePerMinute: number;
  /** Seconds until the rest is sent at the measured rate (or the throttle's, before there is one); null when nothing is sending. */
  secondsLeft: number | null;
  /** The throttle, in emails per minute (0: none). */
  throttlePerMinute: number;
  resentAfterCrash: number;
  createdAt: number;
  createdBy: string | null;
  confirmedBy: string | null;
  approvedBy: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Whether this organizer may approve it (it waits for approval, and they neither prepared nor confirmed it). */
  canApprove: boolean;
  requiresApproval: boolean;
};

/**
 * The latest mailing of an update (any state), or null. Admins and owners.
 */
export function findLatestMailingId(options: { actor: Actor; updateId: number; db?: AppDatabase }): number | null {
  assertCan(options.actor, "sendMailings");
  const db = options.db ?? getDb();
  return db.select({ id: mailings.id }).from(mailings).where(eq(mailings.updateId, options.updateId)).orderBy(desc(mailings.id)).limit(1).get()?.id ?? null;
}

/**
 * What the mailing page shows: how many were sent, failed, skipped and
 * remain (from the ledger's index, exact), the rate over the last minute
 * and the time left. Admins and owners. Null when there is no such mailing.
 */
export function getMailingProgress(options: { actor: Actor; mailingId: number; db?: AppDatabase; now?: number }): MailingProgress | null {
  assertCan(options.actor, "sendMailings");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const creator = alias(users, "creator");
  const confirmer = alias(users, "confirmer");
  const approver = alias(users, "approver");
  const mailing = db
    .select({
      id: mailings.id,
      updateId: mailings.updateId,
      state: mailings.state,
      pauseReason: mailings.pauseReason,
      recipientCount: mailings.recipientCount,
      resentAfterCrash: mailings.resentAfterCrash,
      createdAt: mailings.createdAt,
      createdById: mailings.createdBy,
      confirmedById: mailings.confirmedBy,
      createdBy: creator.email,
      confirmedBy: confirmer.email,
      approvedBy: approver.email,
      startedAt: mailings.startedAt,
      finishedAt: mailings.finishedAt,
    })
    .from(mailings)
    .leftJoin(creator, eq(creator.id, mailings.createdBy))
    .leftJoin(confirmer, eq(confirmer.id, mailings.confirmedBy))
    .leftJoin(approver, eq(approver.id, mailings.approvedBy))
    .where(eq(mailings.id, options.mailingId))
    .get();
  if (!mailing) return null;

  const counts = Object.fromEntries(MAILING_RECIPIENT_STATES.map((state) => [state, 0])) as Record<MailingRecipientState, number>;
  for (const row of db
    .select({ state: mailingRecipients.state, n: count() })
    .from(mailingRecipients)
    .where(eq(mailingRecipients.mailingId, mailing.id))
    .groupBy(mailingRecipients.state)
    .all()) {
    counts[row.state] = row.n;
  }
  const remaining = counts.queued + counts.sending;
  const since = Math.max(now - RATE_WINDOW_MS, mailing.startedAt ?? now);
  const sentRecently =
    db
      .select({ n: count() })
      .from(mailingRecipients)
      .where(and(eq(mailingRecipients.mailingId, mailing.id), eq(mailingRecipients.state, "sent"), gt(mailingRecipients.changedAt, since)))
      .get()?.n ?? 0;
  const windowMs = Math.max(now - since, 1000);
  const ratePerMinute = Math.round((sentRecently * 60_000) / windowMs);
  const throttlePerMinute = getMailThrottle().ratePerMinute;
  const expectedRate = ratePerMinute > 0 ? ratePerMinute : throttlePerMinute;
  const secondsLeft = mailing.state === "sending" && remaining > 0 && expectedRate > 0 ? Math.ceil((remaining * 60) / expectedRate) : mailing.state === "sending" && remaining === 0 ? 0 : null;
  const { actor } = options;
  const canApprove =
    mailing.state === "awaitingApproval" && actor.kind === "organizer" && actor.id !== mailing.createdById && actor.id !== mailing.confirmedById;
  const { createdById: _createdById, confirmedById: _confirmedById, ...shown } = mailing;
  return {
    ...shown,
    counts,
    remaining,
    ratePerMinute,
    secondsLeft,
    throttlePerMinute,
    canApprove,
    requiresApproval: getRequireMailingApproval({ db }),
  };
}
