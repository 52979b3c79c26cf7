import "server-only";
import { randomBytes } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { mailings, type MailingState } from "@/db/schema";
import { isLocale, LOCALES, type Locale } from "@/lib/i18n/locales";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { findUpdateForMailing, type MailingContent } from "./mailing-content";

/** A mailing in one of these states still holds its update: another one cannot be prepared beside it. */
export const ACTIVE_MAILING_STATES = ["prepared", "awaitingApproval", "sending", "paused"] as const satisfies readonly MailingState[];

// Who an update goes to: verified, asked for updates (and did not turn them
// off), address not refused for good, and not already sent this update by
// an earlier (cancelled) mailing. INDEXED BY: the partial index holds
// exactly the subscribers; without statistics SQLite would walk every
// verified signature instead (decision 0022).
const subscribersOf = (updateId: number) => sql`
  signatures indexed by signatures_subscribers_idx
  where signatures.status = 'verified' and signatures.wants_updates = 1 and signatures.undeliverable_at is null
    and not exists (
      select 1 from mailing_recipients r join mailings m on m.id = r.mailing_id
      where m.update_id = ${updateId} and r.signature_id = signatures.id and r.state in ('sent', 'sending')
    )`;

export type MailingAudience = {
  /** Who a mailing prepared now would go to, per locale and in all. */
  recipients: number;
  byLocale: Record<Locale, number>;
  /** Signers who got this update already (an earlier mailing that was cancelled part-way). */
  alreadySent: number;
  /** Verified signers who turned updates off. */
  unsubscribed: number;
  /** Signers whose address a mail server refused for good. */
  undeliverable: number;
};

/**
 * The numbers an organizer sees before sending an update: how many signers
 * it would reach (per language), and how many are unsubscribed or
 * undeliverable. Admins and owners.
 */
export function getMailingAudience(options: { actor: Actor; updateId: number; db?: AppDatabase }): MailingAudience {
  assertCan(options.actor, "sendMailings");
  const db = options.db ?? getDb();
  const byLocale = Object.fromEntries(LOCALES.map((locale) => [locale, 0])) as Record<Locale, number>;
  let recipients = 0;
  for (const row of db.all<{ locale: string; n: number }>(sql`select signatures.locale as locale, count(*) as n from ${subscribersOf(options.updateId)} group by signatures.locale`)) {
    if (isLocale(row.locale)) byLocale[row.locale] += row.n;
    recipients += row.n;
  }
  const count = (query: ReturnType<typeof sql>) => db.get<{ n: number }>(query)?.n ?? 0;
  return {
    recipients,
    byLocale,
    alreadySent: count(sql`
      select count(distinct r.signature_id) as n from mailing_recipients r join mailings m on m.id = r.mailing_id
      where m.update_id = ${options.updateId} and r.state = 'sent'`),
    unsubscribed: count(sql`
      select count(*) as n from signatures indexed by signatures_unsubscribed_idx
      where signatures.unsubscribed_at is not null and signatures.status = 'verified' and signatures.wants_updates = 0`),
    undeliverable: count(sql`
      select count(*) as n from signatures indexed by signatures_undeliverable_idx
      where signatures.undeliverable_at is not null and signatures.status in ('pending', 'verified')`),
  };
}

function findActiveMailing(tx: Transaction, updateId: number) {
  return tx
    .select({ id: mailings.id })
    .from(mailings)
    .where(and(eq(mailings.updateId, updateId), inArray(mailings.state, [...ACTIVE_MAILING_STATES])))
    .get();
}

/**
 * Prepares the mailing of a published update (decision 0022): fixes its
 * text and writes one ledger row per recipient, in one transaction, so the
 * number shown before confirming is exactly the number of emails the
 * mailing may send (those who unsubscribe, withdraw or are invalidated
 * before their turn are skipped). Nothing is sent until it is confirmed.
 * Admins and owners; audited. Throws NOT_FOUND (no such update), CONFLICT
 * when the update is not published, has no text, already has a mailing in
 * progress, or has nobody to go to.
 */
export function prepareMailing(options: { actor: Actor; updateId: number; db?: AppDatabase; now?: number }): { mailingId: number; recipientCount: number } {
  assertCan(options.actor, "sendMailings");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const update = findUpdateForMailing({ updateId: options.updateId, db: tx });
      if (!update) throw new AppError("NOT_FOUND", "updateNotFound");
      if (update.state !== "published") throw new AppError("CONFLICT", "updateNotPublished");
      if (Object.keys(update.texts).length === 0) throw new AppError("CONFLICT", "updateHasNoText");
      if (findActiveMailing(tx, update.id)) throw new AppError("CONFLICT", "mailingInProgress");
      const content: MailingContent = { slug: update.slug, texts: update.texts };
      const mailing = tx
        .insert(mailings)
        .values({
          updateId: update.id,
          state: "prepared",
          content: JSON.stringify(content),
          messageKey: randomBytes(32).toString("base64url"),
          recipientCount: 0,
          createdBy: options.actor.kind === "organizer" ? options.actor.id : null,
          createdAt: now,
        })
        .returning({ id: mailings.id })
        .get();
      const recipientCount = tx.run(sql`
        insert into mailing_recipients (mailing_id, signature_id, state, attempts, changed_at)
        select ${mailing.id}, signatures.id, 'queued', 0, ${now} from ${subscribersOf(update.id)}
        order by signatures.id`).changes;
      if (recipientCount === 0) throw new AppError("CONFLICT", "mailingHasNoRecipients");
      tx.update(mailings).set({ recipientCount }).where(eq(mailings.id, mailing.id)).run();
      recordAudit(tx, {
        actor: toAuditActor(options.actor),
        action: "mailing.prepare",
        targetType: "mailing",
        targetId: mailing.id,
        details: { updateId: update.id },
        rowCount: recipientCount,
        now,
      });
      return { mailingId: mailing.id, recipientCount };
    },
    { behavior: "immediate" },
  );
}
