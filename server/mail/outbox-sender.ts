import "server-only";
import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import nodemailer from "nodemailer";
import { getDb, type AppDatabase } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { DEFAULT_LOCALE } from "@/lib/i18n/locales";

export const MAX_SEND_ATTEMPTS = 20;
const CLAIM_MS = 2 * 60 * 1000;
const POLL_MS = 1000;
const BATCH_SIZE = 50;

export type MailTransport = {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
  }): Promise<unknown>;
};

/** Exponential backoff with a cap: 5 s, 10 s, 20 s … 1 h, with ±20 % jitter so retries spread out. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(5000 * 2 ** Math.max(attempts - 1, 0), 60 * 60 * 1000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** What goes in last_error: the SMTP code or error class only, never an address. */
function describeSendError(error: unknown): string {
  if (error && typeof error === "object") {
    const { responseCode, code, name } = error as { responseCode?: number; code?: string; name?: string };
    return [responseCode, code, name].filter(Boolean).join(" ").slice(0, 200) || "error";
  }
  return "error";
}

/**
 * Sends the emails that are due, each claimed first so that two senders
 * (two processes, or a restart) never send the same row at once. A failure
 * schedules a retry with backoff; after MAX_SEND_ATTEMPTS the row is marked
 * failed. Returns how many were sent. Internal: called by the sender loop
 * and by tests.
 */
export async function deliverDueEmails(options: {
  transport: MailTransport;
  from: string;
  db?: AppDatabase;
  now?: () => number;
  batchSize?: number;
}): Promise<{ sent: number; failed: number; claimed: number }> {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now;
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        eq(mailOutbox.status, "queued"),
        lte(mailOutbox.nextAttemptAt, now()),
        or(isNull(mailOutbox.lockedUntil), lte(mailOutbox.lockedUntil, now())),
      ),
    )
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(options.batchSize ?? BATCH_SIZE)
    .all();

  let sent = 0;
  let failed = 0;
  let claimed = 0;
  for (const { id } of due) {
    const claimedAt = now();
    const claim = db
      .update(mailOutbox)
      .set({ lockedUntil: claimedAt + CLAIM_MS })
      .where(
        and(
          eq(mailOutbox.id, id),
          eq(mailOutbox.status, "queued"),
          or(isNull(mailOutbox.lockedUntil), lte(mailOutbox.lockedUntil, claimedAt)),
        ),
      )
      .returning()
      .get();
    if (!claim) continue;
    claimed += 1;
    try {
      await options.transport.sendMail({
        from: options.from,
        to: claim.toAddress,
        subject: claim.subject,
        text: claim.textBody,
        html: claim.htmlBody,
        messageId: claim.messageId,
      });
      db.update(mailOutbox)
        .set({ status: "sent", sentAt: now(), attempts: claim.attempts + 1, lockedUntil: null, lastError: null })
        .where(eq(mailOutbox.id, id))
        .run();
      sent += 1;
    } catch (error) {
      const attempts = claim.attempts + 1;
      db.update(mailOutbox)
        .set({
          attempts,
          status: attempts >= MAX_SEND_ATTEMPTS ? "failed" : "queued",
          nextAttemptAt: now() + retryDelayMs(attempts),
          lockedUntil: null,
          lastError: describeSendError(error),
        })
        .where(eq(mailOutbox.id, id))
        .run();
      failed += 1;
    }
  }
  return { sent, failed, claimed };
}

type SenderState = { timer?: NodeJS.Timeout; running: boolean; again: boolean; stopped: boolean; tick?: () => void };
const globalForSender = globalThis as unknown as { undersignedOutboxSender?: SenderState };

/** The "From" header: the campaign's neutral sender name and MAIL_FROM. */
export function getMailFrom(): string {
  const { mailFrom } = getConfig();
  if (mailFrom.includes("<")) return mailFrom;
  const name = getCampaign(DEFAULT_LOCALE).senderName.replaceAll('"', "");
  return `"${name}" <${mailFrom}>`;
}

/**
 * Starts the background loop that drains the outbox over SMTP_URL. Without
 * SMTP_URL the emails stay in the outbox (the development mailbox reads
 * them). Safe to call more than once.
 */
export function startOutboxSender(): void {
  const config = getConfig();
  if (globalForSender.undersignedOutboxSender) return;
  if (!config.smtpUrl) {
    console.warn(
      config.isProduction
        ? "[mail] SMTP_URL is not set: emails are queued in the outbox and NOT delivered."
        : "[mail] SMTP_URL is not set: emails stay in the outbox; read them at /dev/mailbox.",
    );
    return;
  }
  const transport = nodemailer.createTransport(
    { url: config.smtpUrl, pool: true, maxConnections: 4 },
    // Bodies are our own text, never a file path or URL to fetch.
    { disableFileAccess: true, disableUrlAccess: true },
  );
  const from = getMailFrom();
  const state: SenderState = { running: false, again: false, stopped: false };
  const tick = () => {
    if (state.stopped) return;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    clearTimeout(state.timer);
    deliverDueEmails({ transport, from })
      .then((result) => {
        if (result.claimed === BATCH_SIZE) state.again = true;
      })
      .catch((error: unknown) => console.error("[mail] outbox sender failed:", describeSendError(error)))
      .finally(() => {
        state.running = false;
        const next = state.again ? 0 : POLL_MS;
        state.again = false;
        state.timer = setTimeout(tick, next);
        state.timer.unref();
      });
  };
  state.tick = tick;
  globalForSender.undersignedOutboxSender = state;
  tick();
}

/** Asks the sender to look at the outbox now (after a transaction queued mail). */
export function nudgeOutboxSender(): void {
  const state = globalForSender.undersignedOutboxSender;
  if (state?.tick) setImmediate(state.tick);
}
