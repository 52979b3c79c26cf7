import "server-only";
import { randomBytes } from "node:crypto";
import { and, count, eq, gt } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import type { RenderedEmail } from "./render-email";

/** At most this many emails to one address per day: signing again must not become a mail bomb. */
export const MAX_EMAILS_PER_ADDRESS_PER_DAY = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export function countRecentEmails(tx: Transaction | AppDatabase, recipientKey: string, now: number): number {
  const row = tx
    .select({ value: count() })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.recipientKey, recipientKey), gt(mailOutbox.createdAt, now - DAY_MS)))
    .get();
  return row?.value ?? 0;
}

/**
 * Writes an email to the outbox inside the caller's transaction, unless the
 * address has had its share for the day. Returns whether it was queued.
 */
export function enqueueEmail(
  tx: Transaction,
  options: { kind: string; to: string; recipientKey: string; locale: string; email: RenderedEmail; now: number; domain: string },
): boolean {
  if (countRecentEmails(tx, options.recipientKey, options.now) >= MAX_EMAILS_PER_ADDRESS_PER_DAY) return false;
  tx.insert(mailOutbox)
    .values({
      kind: options.kind,
      toAddress: options.to,
      recipientKey: options.recipientKey,
      locale: options.locale,
      subject: options.email.subject,
      textBody: options.email.text,
      htmlBody: options.email.html,
      messageId: `<${randomBytes(16).toString("hex")}@${options.domain}>`,
      nextAttemptAt: options.now,
      createdAt: options.now,
    })
    .run();
  return true;
}
