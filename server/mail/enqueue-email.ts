import "server-only";
import { and, count, eq, gt, sql } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { mailOutbox } from "@/db/schema";
import { getConfig } from "@/server/config";
import { hashRecipient } from "@/server/privacy/daily-hash-keys";
import { randomBytesFromPool, timePrefix } from "@/server/security/tokens";
import type { Locale } from "@/lib/i18n/locales";
import type { EmailKind, QueuedSignerEmail, RenderedEmail } from "./render-email";
import { serializeSignerEmail } from "./render-outbox-email";

/** At most this many emails to one address per day: signing again must not become a mail bomb. */
export const MAX_EMAILS_PER_ADDRESS_PER_DAY = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

let messageIdDomain = { appUrl: "", domain: "" };
/** APP_URL's host, the right-hand side of every Message-ID: parsed once, not per email (it showed in the sign path's profile). */
function messageIdDomainOf(appUrl: string): string {
  if (messageIdDomain.appUrl !== appUrl) messageIdDomain = { appUrl, domain: new URL(appUrl).hostname };
  return messageIdDomain.domain;
}

// Time first, so new ids land at the end of the unique index (decision 0013).
const createMessageId = (now: number) =>
  `<${timePrefix(now)}.${randomBytesFromPool(16).toString("hex")}@${messageIdDomainOf(getConfig().appUrl)}>`;

export function countRecentEmails(tx: Transaction | AppDatabase, recipientKey: string, now: number): number {
  const row = preparedQuery(tx, "countRecentEmails", (db) =>
    db
      .select({ value: count() })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.recipientKey, sql.placeholder("recipientKey")), gt(mailOutbox.createdAt, sql.placeholder("since"))))
      .prepare(),
  ).get({ recipientKey, since: now - DAY_MS });
  return row?.value ?? 0;
}

/**
 * Writes an email to the outbox inside the caller's transaction, unless the
 * address has had its share for the day (`dailyCap`, default
 * MAX_EMAILS_PER_ADDRESS_PER_DAY). Returns whether it was queued.
 * The address is counted under its keyed hash with the day's key (decision
 * 0019), so the cap runs per UTC day and outlives the address in clear,
 * which the sender blanks once the email is sent. The email is either
 * `signerEmail`, a signer's email by `kind` and `locale` stored as the
 * signer's name, its links made and the email rendered when sent
 * (decisions 0026, 0029; `signatureId` is then required), or `email`,
 * stored rendered (organizers' mail), with `headers` to send (an update's
 * test send carries List-Unsubscribe); `signatureId` is null for mail to an
 * organizer.
 */
export function enqueueEmail(
  tx: Transaction,
  options: {
    to: string;
    emailKey: string;
    signatureId: number | null;
    now: number;
    dailyCap?: number;
  } & (
    | { kind: EmailKind; locale: Locale; signerEmail: QueuedSignerEmail; signatureId: number; email?: never; headers?: never }
    | { kind: string; locale: string; email: RenderedEmail; signerEmail?: never; headers?: Record<string, string> }
  ),
): boolean {
  const recipientKey = hashRecipient(options.emailKey, { db: tx, now: options.now });
  if (countRecentEmails(tx, recipientKey, options.now) >= (options.dailyCap ?? MAX_EMAILS_PER_ADDRESS_PER_DAY)) return false;
  if (options.email) {
    // Rare (organizers' digests and test sends): a plain insert, so the sign path's prepared statement stays as it is.
    tx.insert(mailOutbox)
      .values({
        kind: options.kind,
        toAddress: options.to,
        recipientKey,
        signatureId: options.signatureId,
        locale: options.locale,
        subject: options.email.subject,
        textBody: options.email.text,
        htmlBody: options.email.html,
        messageId: createMessageId(options.now),
        headers: options.headers ? JSON.stringify(options.headers) : null,
        nextAttemptAt: options.now,
        createdAt: options.now,
      })
      .run();
    return true;
  }
  preparedQuery(tx, "enqueueEmail", (db) =>
    db
      .insert(mailOutbox)
      .values({
        kind: sql.placeholder("kind"),
        toAddress: sql.placeholder("toAddress"),
        recipientKey: sql.placeholder("recipientKey"),
        locale: sql.placeholder("locale"),
        // Rendered when sent, from template_values.
        subject: "",
        textBody: "",
        htmlBody: "",
        templateValues: sql.placeholder("templateValues"),
        messageId: sql.placeholder("messageId"),
        nextAttemptAt: sql.placeholder("now"),
        createdAt: sql.placeholder("now"),
        signatureId: sql.placeholder("signatureId"),
      })
      .prepare(),
  ).run({
    kind: options.kind,
    toAddress: options.to,
    recipientKey,
    locale: options.locale,
    templateValues: serializeSignerEmail(options.signerEmail),
    messageId: createMessageId(options.now),
    now: options.now,
    signatureId: options.signatureId,
  });
  return true;
}
