import "server-only";
import { and, eq, inArray, isNull, lte, or } from "drizzle-orm";
import nodemailer from "nodemailer";
import { getDb, type AppDatabase } from "@/db/client";
import { mailOutbox, type MailOutboxRow } from "@/db/schema";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { DEFAULT_LOCALE } from "@/lib/i18n/locales";
import { getMailThrottle } from "./mail-throttle";
import { revokeUnsentLinks, type IssuedSignerLinks } from "@/server/signatures/issue-signer-links";
import type { RenderedEmail } from "./render-email";
import { issueOutboxLinks, renderOutboxEmail, UnrenderableEmailError } from "./render-outbox-email";
import { classifySendFailure, describeSendError, failedBeforeTheMessage, isConnectionError, markAddressUndeliverable, undeliverableReason } from "./smtp-failure";

export const MAX_SEND_ATTEMPTS = 20;
/** How long a claim holds: after a crash, the emails it held go out again this much later (at most one repeat each). */
const CLAIM_MS = 90 * 1000;
/**
 * No send starts later than this after the claim: with the transport's
 * timeouts (startOutboxSender) every send ends before the claim expires, so
 * another sender never picks up a row this one is still sending.
 */
const SEND_WINDOW_MS = 30 * 1000;
const POLL_MS = 1000;
const BATCH_SIZE = 200;
/** Sends in flight at once; nodemailer's pool queues them over its connections. */
const SEND_CONCURRENCY = 16;
/** Outcomes are written back in groups: a few fsyncs per batch, and a crash repeats at most one group's sends. */
const WRITE_BACK_EVERY = 50;
/** This many connection-level failures in a row mean the SMTP server is down: the rest of the batch waits for the retry. */
const OUTAGE_AFTER = 3;

export type MailTransport = {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
};

/** Exponential backoff with a cap: 5 s, 10 s, 20 s … 1 h, with ±20 % jitter so retries spread out. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(5000 * 2 ** Math.max(attempts - 1, 0), 60 * 60 * 1000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

function isDue(now: number) {
  return and(
    eq(mailOutbox.status, "queued"),
    lte(mailOutbox.nextAttemptAt, now),
    or(isNull(mailOutbox.lockedUntil), lte(mailOutbox.lockedUntil, now)),
  );
}

/** A claimed email, with the links the claim made for it (a signer's email queued since decision 0029), or the error that it cannot be sent. */
type ClaimedEmail = { row: MailOutboxRow; issued: IssuedSignerLinks | null; unrenderable?: UnrenderableEmailError };

/**
 * Claims up to `limit` due rows in one write transaction. BEGIN IMMEDIATE
 * takes SQLite's write lock before the select, so two senders (two
 * processes) never claim the same row; the claim lasts CLAIM_MS, so a crash
 * mid-send leads to at most one repeat, with the row's stable Message-ID.
 * A signer's email gets its links' tokens in the same transaction (decision
 * 0029): they are on disk before the email can arrive, and a repeat carries
 * new ones.
 */
function claimDueEmails(db: AppDatabase, claimedAt: number, limit: number): ClaimedEmail[] {
  return db.transaction(
    (tx) => {
      const ids = tx
        .select({ id: mailOutbox.id })
        .from(mailOutbox)
        .where(isDue(claimedAt))
        .orderBy(mailOutbox.nextAttemptAt)
        .limit(limit)
        .all()
        .map((row) => row.id);
      if (ids.length === 0) return [];
      const rows = tx
        .update(mailOutbox)
        .set({ lockedUntil: claimedAt + CLAIM_MS })
        .where(and(inArray(mailOutbox.id, ids), isDue(claimedAt)))
        .returning()
        .all();
      return rows.map((row): ClaimedEmail => {
        try {
          return { row, issued: issueOutboxLinks(tx, row, claimedAt) };
        } catch (error) {
          if (error instanceof UnrenderableEmailError) return { row, issued: null, unrenderable: error };
          throw error;
        }
      });
    },
    { behavior: "immediate" },
  );
}

/** Whether the row is still there and still this pass's to send. */
function isStillClaimed(db: AppDatabase, id: number, claimedUntil: number): boolean {
  return db.select({ id: mailOutbox.id }).from(mailOutbox).where(and(eq(mailOutbox.id, id), eq(mailOutbox.lockedUntil, claimedUntil))).get() !== undefined;
}

type Outcome = { row: MailOutboxRow; error?: unknown };

/**
 * What an email keeps once it is sent or given up (decision 0019): its kind,
 * times, Message-ID and status. The address, subject, bodies (with their
 * manage and withdrawal links, or the template values that hold them) and
 * locale are blanked, and the link to the signature dropped. The recipient hash stays for the day's cap, until the
 * day's key is destroyed (server/privacy/daily-hash-keys.ts).
 */
export const SENT_EMAIL_BLANKS = {
  toAddress: "",
  subject: "",
  textBody: "",
  htmlBody: "",
  templateValues: null,
  locale: "",
  headers: null,
  signatureId: null,
} as const;

/** Writes a group of outcomes in one transaction: one fsync for the group, not one per email. */
function writeOutcomes(db: AppDatabase, outcomes: Outcome[], at: number, claimedUntil: number): void {
  if (outcomes.length === 0) return;
  db.transaction(
    (tx) => {
      for (const { row, error } of outcomes) {
        const attempts = row.attempts + 1;
        if (error === undefined) {
          // Sent is sent, even if the claim ran out meanwhile.
          tx.update(mailOutbox)
            .set({ status: "sent", sentAt: at, attempts, lockedUntil: null, lastError: null, ...SENT_EMAIL_BLANKS })
            .where(eq(mailOutbox.id, row.id))
            .run();
          continue;
        }
        // A 5xx is final (decision 0022): no retry, and an address refused
        // for good gets no update or reminder any more. The row names its
        // signature (decision 0019: the address itself is only a day's hash).
        const failure = error instanceof UnrenderableEmailError ? "permanent" : classifySendFailure(error);
        if (failure === "undeliverable" && row.signatureId !== null) {
          markAddressUndeliverable(tx, { signatureId: row.signatureId, reason: undeliverableReason(error), now: at });
        }
        const givenUp = attempts >= MAX_SEND_ATTEMPTS || failure !== "temporary";
        tx.update(mailOutbox)
          .set({
            attempts,
            status: givenUp ? "failed" : "queued",
            nextAttemptAt: at + retryDelayMs(attempts),
            lockedUntil: null,
            lastError: describeSendError(error),
            ...(givenUp ? SENT_EMAIL_BLANKS : {}),
          })
          // Only while the claim is still ours: a row another sender has since claimed is its business.
          .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, "queued"), eq(mailOutbox.lockedUntil, claimedUntil)))
          .run();
      }
    },
    { behavior: "immediate" },
  );
}

/**
 * Sends the emails that are due: claims a batch in one transaction, sends
 * SEND_CONCURRENCY at a time, writes the outcomes back in groups. A failure
 * schedules a retry with backoff; after MAX_SEND_ATTEMPTS the row is marked
 * failed. When the SMTP server is down (OUTAGE_AFTER connection-level
 * failures in a row) the sends not yet started are rescheduled like failed
 * ones, so an outage costs one quick pass, not a hot loop. Never throws for
 * a send; only a database error escapes. A permanent refusal (5xx) is not
 * retried, and marks the address undeliverable when it is about the address
 * (smtp-failure.ts). Internal: called by the sender loop, the bench and tests.
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
  const claimedAt = now();
  const claimedUntil = claimedAt + CLAIM_MS;
  const claimed = claimDueEmails(db, claimedAt, options.batchSize ?? BATCH_SIZE);

  let sent = 0;
  let failed = 0;
  let next = 0;
  let connectionErrorsInARow = 0;
  let outageError: unknown;
  let pending: Outcome[] = [];
  const record = (outcome: Outcome) => {
    pending.push(outcome);
    if (outcome.error === undefined) sent += 1;
    else failed += 1;
    if (pending.length >= WRITE_BACK_EVERY) flush();
  };
  const flush = () => {
    const group = pending;
    pending = [];
    writeOutcomes(db, group, now(), claimedUntil);
  };

  // Tokens made by the claim for emails that do not leave in this pass.
  const unsentTokenHashes: string[] = [];
  const worker = async () => {
    while (next < claimed.length && outageError === undefined && now() < claimedAt + SEND_WINDOW_MS) {
      const { row, issued, unrenderable } = claimed[next++]!;
      let email: RenderedEmail;
      try {
        if (unrenderable) throw unrenderable;
        email = renderOutboxEmail(row, issued?.links);
      } catch (error) {
        unsentTokenHashes.push(...(issued?.tokenHashes ?? []));
        record({ row, error });
        continue;
      }
      // Withdrawn or erased since the claim (which deletes the row): its address gets nothing.
      if (!isStillClaimed(db, row.id, claimedUntil)) {
        unsentTokenHashes.push(...(issued?.tokenHashes ?? []));
        continue;
      }
      try {
        await options.transport.sendMail({
          from: options.from,
          to: row.toAddress,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: row.messageId,
          ...(row.headers ? { headers: JSON.parse(row.headers) as Record<string, string> } : {}),
        });
        connectionErrorsInARow = 0;
        record({ row });
      } catch (error) {
        if (isConnectionError(error) && ++connectionErrorsInARow >= OUTAGE_AFTER) outageError ??= error;
        // Its links reached nobody unless the server may have taken the message.
        if (failedBeforeTheMessage(error)) unsentTokenHashes.push(...(issued?.tokenHashes ?? []));
        record({ row, error });
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, claimed.length) }, worker));
    const unstarted = claimed.slice(next).map((email) => email.row);
    if (outageError !== undefined) {
      // The server is down: the rest count as failed attempts too, so the
      // backlog backs off instead of being claimed again at once.
      for (const row of unstarted) record({ row, error: outageError });
    } else if (unstarted.length > 0) {
      // Past the send window: released untouched for the next pass.
      db.update(mailOutbox)
        .set({ lockedUntil: null })
        .where(and(inArray(mailOutbox.id, unstarted.map((row) => row.id)), eq(mailOutbox.lockedUntil, claimedUntil)))
        .run();
    }
  } finally {
    try {
      // Emails not started (an outage, the send window, a database error): nobody has their links.
      for (const email of claimed.slice(next)) unsentTokenHashes.push(...(email.issued?.tokenHashes ?? []));
      revokeUnsentLinks(db, unsentTokenHashes);
    } finally {
      flush();
    }
  }
  return { sent, failed, claimed: claimed.length };
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

/** The options of a pooled SMTP transport to `smtpUrl` (the outbox's; the mailing sender's worker takes fewer timeouts' worth). */
export function smtpPoolOptions(smtpUrl: string, options: { maxConnections?: number; socketTimeout?: number } = {}) {
  return {
    url: smtpUrl,
    pool: true,
    // With SEND_CONCURRENCY sends in flight, every connection always has the next message waiting.
    maxConnections: options.maxConnections ?? 8,
    // Reuse pooled connections for as long as the server allows.
    maxMessages: Infinity,
    // A send started inside SEND_WINDOW_MS ends well before its claim expires,
    // and a server that does not answer fails a batch in seconds, not minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: options.socketTimeout ?? 30_000,
  };
}

/** Bodies are our own text, never a file path or URL to fetch. */
export const SMTP_MESSAGE_DEFAULTS = { disableFileAccess: true, disableUrlAccess: true };

/** The pooled SMTP transport the outbox sender uses (also bench/outbox-drain.ts and tests). */
export function createSmtpTransport(smtpUrl: string, options: { maxConnections?: number } = {}) {
  return nodemailer.createTransport(smtpPoolOptions(smtpUrl, options), SMTP_MESSAGE_DEFAULTS);
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
  const transport = createSmtpTransport(config.smtpUrl);
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
        // Confirmations are never held back, but they use the relay's budget: mailings wait for it (decision 0022).
        getMailThrottle().spend(result.sent + result.failed);
        // A full batch means more may be due; a batch that sent nothing (SMTP down) waits for the poll.
        if (result.claimed === BATCH_SIZE && result.sent > 0) state.again = true;
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
