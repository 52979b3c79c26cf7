import "server-only";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { and, asc, eq, inArray, lte, min, sql } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { getGroupCommit } from "@/db/group-commit";
import { preparedQuery } from "@/db/prepared";
import { mailingRecipients, mailings, signatures, signatureTokens, type Mailing } from "@/db/schema";
import { isLocale, LOCALES, DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import { recordAudit } from "@/server/audit/record-audit";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { getMailThrottle, type MailThrottle } from "@/server/mail/mail-throttle";
import { getMailFrom, MAX_SEND_ATTEMPTS, retryDelayMs, SMTP_MESSAGE_DEFAULTS, smtpPoolOptions } from "@/server/mail/outbox-sender";
import { createSmtpWorkerTransport } from "@/server/mail/smtp-worker-transport";
import { classifySendFailure, describeSendError, isConnectionError, markAddressUndeliverable, undeliverableReason } from "@/server/mail/smtp-failure";
import { createToken } from "@/server/security/tokens";
import { parseMailingContent } from "./mailing-content";
import { createUpdateMessageComposer, renderUpdateEmail, type UpdateEmailTemplate } from "./update-email";

// How a mailing reaches every recipient once (decision 0022):
// - One runner at a time holds a mailing (a lease on its row, renewed each
//   step); another process takes over only when the lease has run out.
// - Each step claims a small batch: its ledger rows go from queued to
//   `sending` and their unsubscribe tokens are stored, durably (group
//   commit), before any of those emails leaves.
// - Each outcome is written within milliseconds of the relay's answer (a
//   few outcomes to a transaction, in the group commit), so a crash can
//   leave in doubt only the emails between the relay's 250 and that write.
// - A runner that takes a mailing over finds the dead runner's `sending`
//   rows: whether they went out is unknown, so they are queued again and
//   counted (`resent_after_crash`). They go out again with the same
//   Message-ID, which lets receiving systems drop a repeat.

/** The links of an update email last as long as a campaign reasonably runs. */
export const UNSUBSCRIBE_TOKEN_TTL_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a runner holds a mailing without renewing (each step renews). */
export const MAILING_LEASE_MS = 60_000;
/**
 * No send starts later than this after the step renewed the lease: with the
 * transport's timeouts every send ends well before the lease runs out, so
 * a runner that takes over never races one still sending.
 */
const SEND_WINDOW_MS = 10_000;
const BATCH_SIZE = 256;
/** Sends in flight at once (the pool queues them over its connections). */
const SEND_CONCURRENCY = 16;
/**
 * The mailing's own SMTP connections (the outbox has its own). The pool
 * opens them only as sends wait: a throttled mailing (a few emails a
 * second) uses one or two.
 */
const MAILING_CONNECTIONS = 8;
/**
 * Outcomes are written together: at most this many, or this long after the
 * first of them, whichever comes first. One transaction per email cost more
 * CPU than the email; this keeps the window between the relay's 250 and
 * its record to a few milliseconds.
 */
const OUTCOMES_PER_WRITE = 64;
const OUTCOME_WRITE_DELAY_MS = 10;
const POLL_MS = 1000;
/** Connection-level failures in a row that mean the relay is down: the batch stops and waits. */
const OUTAGE_AFTER = 3;
/**
 * Permanent refusals in a row after which the runner pauses the mailing:
 * a relay that refuses everyone is misconfigured, and each refusal may
 * mark an address undeliverable.
 */
export const PAUSE_AFTER_REFUSALS_IN_A_ROW = 20;
/** How often the runner looks whether an organizer paused or cancelled the mailing. */
const STATE_CHECK_MS = 200;
/**
 * Signing comes first: when the event loop was busier than this over a
 * step (a crowd is signing; the mailing alone keeps it well under), the
 * sender waits YIELD_FACTOR times the step's length before the next one,
 * so a fan-out takes a small share of the machine while signatures pour
 * in and all of it otherwise (bench/RESULTS.md, fan-out section).
 */
const BUSY_LOOP_UTILIZATION = 0.8;
const YIELD_FACTOR = 2;
const MAX_YIELD_MS = 2000;

export type MailingTransport = { sendMail(message: { envelope: { from: string; to: string }; raw: string }): Promise<unknown> };

type ClaimedRecipient = { signatureId: number; attempts: number; address: string; locale: Locale; token: string };

type Claim =
  | { held: false; waitMs: number }
  | { held: true; recipients: ClaimedRecipient[]; skipped: number; requeued: number; finished: boolean; nextDueAt: number | null };

export type MailingStepResult = {
  mailingId: number | null;
  claimed: number;
  sent: number;
  failed: number;
  skipped: number;
  /** When the runner should look again (0: at once). */
  waitMs: number;
};

const IDLE: MailingStepResult = { mailingId: null, claimed: 0, sent: 0, failed: 0, skipped: 0, waitMs: POLL_MS };

/**
 * Inside the step's transaction: renews (or takes over) the lease, queues
 * again whatever was left `sending`, then claims up to `limit` due rows.
 * A row whose signer is no longer verified, subscribed and deliverable is
 * skipped; the others become `sending`, each with a fresh unsubscribe token
 * (only its hash is stored, like every other token).
 */
function claimBatch(tx: Transaction, options: { mailingId: number; runnerId: string; limit: number; now: number }): Claim {
  const { mailingId, runnerId, limit, now } = options;
  const lease = tx.select({ state: mailings.state, runnerId: mailings.runnerId, runnerUntil: mailings.runnerUntil }).from(mailings).where(eq(mailings.id, mailingId)).get();
  if (!lease || lease.state !== "sending") return { held: false, waitMs: 0 };
  if (lease.runnerId !== runnerId && lease.runnerUntil !== null && lease.runnerUntil > now) return { held: false, waitMs: lease.runnerUntil - now };
  // Between two steps of one runner nothing is in flight (a step waits for
  // all its sends): a `sending` row here is a dead runner's, or one whose
  // outcome could not be written. Either way it may or may not have gone out.
  const requeued = tx
    .update(mailingRecipients)
    .set({ state: "queued", changedAt: now })
    .where(and(eq(mailingRecipients.mailingId, mailingId), eq(mailingRecipients.state, "sending")))
    .run().changes;
  tx.update(mailings)
    .set({ runnerId, runnerUntil: now + MAILING_LEASE_MS, ...(requeued > 0 ? { resentAfterCrash: sql`${mailings.resentAfterCrash} + ${requeued}` } : {}) })
    .where(eq(mailings.id, mailingId))
    .run();

  const due =
    limit === 0
      ? []
      : tx
          .select({
            signatureId: mailingRecipients.signatureId,
            attempts: mailingRecipients.attempts,
            address: signatures.email,
            locale: signatures.locale,
            status: signatures.status,
            wantsUpdates: signatures.wantsUpdates,
            undeliverableAt: signatures.undeliverableAt,
          })
          .from(mailingRecipients)
          .innerJoin(signatures, eq(signatures.id, mailingRecipients.signatureId))
          .where(and(eq(mailingRecipients.mailingId, mailingId), eq(mailingRecipients.state, "queued"), lte(mailingRecipients.changedAt, now)))
          .orderBy(asc(mailingRecipients.changedAt))
          .limit(limit)
          .all();
  // Withdrawn, invalidated, unsubscribed or refused since the mailing was prepared: skipped.
  // Prepared statements, one row at a time: building one statement with
  // hundreds of parameters cost more than the writes (decision 0012's lesson).
  const setState = preparedQuery(tx, "mailing.claimState", (db) =>
    db
      .update(mailingRecipients)
      .set({ state: sql`${sql.placeholder("state")}`, changedAt: sql`${sql.placeholder("now")}` })
      .where(and(eq(mailingRecipients.mailingId, sql.placeholder("mailingId")), eq(mailingRecipients.signatureId, sql.placeholder("signatureId"))))
      .prepare(),
  );
  const storeToken = preparedQuery(tx, "mailing.storeToken", (db) =>
    db
      .insert(signatureTokens)
      .values({
        tokenHash: sql.placeholder("tokenHash"),
        signatureId: sql.placeholder("signatureId"),
        purpose: "unsubscribe",
        expiresAt: sql.placeholder("expiresAt"),
        createdAt: sql.placeholder("now"),
      })
      .prepare(),
  );
  const recipients: ClaimedRecipient[] = [];
  let skipped = 0;
  for (const row of due) {
    if (row.status !== "verified" || !row.wantsUpdates || row.undeliverableAt !== null || !row.address) {
      setState.run({ state: "skipped", now, mailingId, signatureId: row.signatureId });
      skipped += 1;
      continue;
    }
    setState.run({ state: "sending", now, mailingId, signatureId: row.signatureId });
    const { token, tokenHash } = createToken(now);
    storeToken.run({ tokenHash, signatureId: row.signatureId, expiresAt: now + UNSUBSCRIBE_TOKEN_TTL_DAYS * DAY_MS, now });
    recipients.push({ signatureId: row.signatureId, attempts: row.attempts, address: row.address, locale: isLocale(row.locale) ? row.locale : DEFAULT_LOCALE, token });
  }
  if (due.length > 0) return { held: true, recipients, skipped, requeued, finished: false, nextDueAt: now };

  const next = tx
    .select({ at: min(mailingRecipients.changedAt) })
    .from(mailingRecipients)
    .where(and(eq(mailingRecipients.mailingId, mailingId), eq(mailingRecipients.state, "queued")))
    .get();
  if (next?.at != null) return { held: true, recipients, skipped: 0, requeued, finished: false, nextDueAt: next.at };
  // Nothing queued and nothing in flight: every recipient has an outcome.
  tx.update(mailings)
    .set({ state: "done", finishedAt: now, runnerId: null, runnerUntil: null })
    .where(and(eq(mailings.id, mailingId), eq(mailings.state, "sending")))
    .run();
  return { held: true, recipients, skipped: 0, requeued, finished: true, nextDueAt: null };
}

type Outcome = { kind: "sent" } | { kind: "retry"; error: unknown; at: number } | { kind: "failed"; error: unknown; undeliverable: boolean };

/** Writes one recipient's outcome (only while the row is still this send's: `sending`). */
function writeOutcome(tx: Transaction, mailingId: number, recipient: ClaimedRecipient, outcome: Outcome, now: number): void {
  const attempts = recipient.attempts + 1;
  const values =
    outcome.kind === "sent"
      ? { state: "sent", changedAt: now, lastError: null }
      : outcome.kind === "retry"
        ? { state: "queued", changedAt: outcome.at, lastError: describeSendError(outcome.error) }
        : { state: "failed", changedAt: now, lastError: describeSendError(outcome.error) };
  preparedQuery(tx, "mailing.outcome", (db) =>
    db
      .update(mailingRecipients)
      .set({
        state: sql`${sql.placeholder("state")}`,
        changedAt: sql`${sql.placeholder("changedAt")}`,
        attempts: sql`${sql.placeholder("attempts")}`,
        lastError: sql`${sql.placeholder("lastError")}`,
      })
      .where(
        and(
          eq(mailingRecipients.mailingId, sql.placeholder("mailingId")),
          eq(mailingRecipients.signatureId, sql.placeholder("signatureId")),
          eq(mailingRecipients.state, "sending"),
        ),
      )
      .prepare(),
  ).run({ ...values, attempts, mailingId, signatureId: recipient.signatureId });
  if (outcome.kind === "failed" && outcome.undeliverable) {
    markAddressUndeliverable(tx, { signatureId: recipient.signatureId, reason: undeliverableReason(outcome.error), now });
  }
}

/** Puts claimed rows that were never sent back in the queue, as they were (no attempt counted). */
function releaseUnsent(tx: Transaction, mailingId: number, recipients: ClaimedRecipient[], dueAt: number): void {
  tx.update(mailingRecipients)
    .set({ state: "queued", changedAt: dueAt })
    .where(
      and(
        eq(mailingRecipients.mailingId, mailingId),
        eq(mailingRecipients.state, "sending"),
        inArray(mailingRecipients.signatureId, recipients.map((recipient) => recipient.signatureId)),
      ),
    )
    .run();
}

export type MailingRunner = { id: string; step(): Promise<MailingStepResult> };

/**
 * A mailing runner: each `step` sends one batch of the oldest mailing that
 * is sending, within the throttle, and says when to look again. Internal:
 * the sender loop, the bench and tests create one.
 */
export function createMailingRunner(options: {
  transport: MailingTransport;
  /** The From header (`"Name" <address>`). */
  from: string;
  db?: AppDatabase;
  now?: () => number;
  throttle?: MailThrottle;
  appUrl?: string;
  batchSize?: number;
  runnerId?: string;
}): MailingRunner {
  const db = options.db ?? getDb();
  const clock = options.now ?? Date.now;
  const runnerId = options.runnerId ?? randomBytes(12).toString("base64url");
  const templates = new Map<number, Partial<Record<Locale, UpdateEmailTemplate>>>();
  let refusalsInARow = 0;
  let outages = 0;

  const templatesOf = (mailing: Pick<Mailing, "id" | "content">) => {
    let found = templates.get(mailing.id);
    if (!found) {
      const content = parseMailingContent(mailing.content);
      const appUrl = options.appUrl ?? getConfig().appUrl;
      const senderName = getCampaign(DEFAULT_LOCALE).senderName;
      found = Object.fromEntries(
        LOCALES.map((locale) => [locale, renderUpdateEmail({ content, locale, appUrl, senderName, campaignTitle: getCampaign(locale).title })]),
      );
      templates.clear();
      templates.set(mailing.id, found);
    }
    return found;
  };

  const readState = (mailingId: number) => db.select({ state: mailings.state }).from(mailings).where(eq(mailings.id, mailingId)).get()?.state;

  const pauseForRefusals = (mailingId: number, now: number) =>
    getGroupCommit(db).run((tx) => {
      const changed = tx
        .update(mailings)
        .set({ state: "paused", pauseReason: "refusals" })
        .where(and(eq(mailings.id, mailingId), eq(mailings.state, "sending")))
        .run().changes;
      if (changed === 1) {
        recordAudit(tx, {
          actor: { userId: null, email: "system (mailing sender)" },
          action: "mailing.pause",
          targetType: "mailing",
          targetId: mailingId,
          details: { reason: "refusals", inARow: PAUSE_AFTER_REFUSALS_IN_A_ROW },
          now,
        });
      }
    });

  async function step(): Promise<MailingStepResult> {
    const now = clock();
    const mailing = db
      .select({ id: mailings.id, content: mailings.content, messageKey: mailings.messageKey })
      .from(mailings)
      .where(eq(mailings.state, "sending"))
      .orderBy(asc(mailings.id))
      .limit(1)
      .get();
    if (!mailing) return IDLE;
    const throttle = options.throttle ?? getMailThrottle();
    const granted = throttle.take(options.batchSize ?? BATCH_SIZE, now);
    const claim = await getGroupCommit(db).run((tx) => claimBatch(tx, { mailingId: mailing.id, runnerId, limit: granted, now }));
    const result: MailingStepResult = { mailingId: mailing.id, claimed: 0, sent: 0, failed: 0, skipped: 0, waitMs: 0 };
    if (!claim.held) {
      throttle.giveBack(granted);
      return { ...result, waitMs: Math.min(POLL_MS, Math.max(claim.waitMs, 50)) };
    }
    const recipients = claim.recipients;
    throttle.giveBack(granted - recipients.length);
    result.claimed = recipients.length;
    result.skipped = claim.skipped;
    if (recipients.length === 0) {
      if (claim.finished || claim.skipped > 0) return result;
      if (granted === 0) return { ...result, waitMs: Math.max(1, Math.min(POLL_MS, throttle.msUntilNext(clock()))) };
      return { ...result, waitMs: Math.min(POLL_MS, Math.max(0, (claim.nextDueAt ?? now + POLL_MS) - now)) };
    }

    const composer = createUpdateMessageComposer({ templates: templatesOf(mailing), from: options.from, messageKey: mailing.messageKey, appUrl: options.appUrl ?? getConfig().appUrl, date: new Date(now) });
    const writes: Promise<unknown>[] = [];
    let pending: { recipient: ClaimedRecipient; outcome: Outcome }[] = [];
    let flushTimer: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      const group = pending;
      pending = [];
      if (group.length === 0) return;
      writes.push(
        getGroupCommit(db).run((tx) => {
          const at = clock();
          for (const { recipient, outcome } of group) writeOutcome(tx, mailing.id, recipient, outcome, at);
        }),
      );
    };
    const record = (recipient: ClaimedRecipient, outcome: Outcome) => {
      pending.push({ recipient, outcome });
      if (pending.length >= OUTCOMES_PER_WRITE) flush();
      else flushTimer ??= setTimeout(flush, OUTCOME_WRITE_DELAY_MS);
    };
    let next = 0;
    let stop: "paused" | "outage" | "window" | null = null;
    let stateCheckedAt = now;
    let connectionErrorsInARow = 0;

    const worker = async () => {
      while (next < recipients.length && stop === null) {
        const at = clock();
        if (at > now + SEND_WINDOW_MS) {
          stop = "window";
          break;
        }
        if (at - stateCheckedAt >= STATE_CHECK_MS) {
          stateCheckedAt = at;
          if (readState(mailing.id) !== "sending") {
            stop = "paused";
            break;
          }
        }
        const recipient = recipients[next++]!;
        const message = composer.compose(recipient);
        try {
          await options.transport.sendMail({ envelope: message.envelope, raw: message.raw });
          connectionErrorsInARow = 0;
          refusalsInARow = 0;
          result.sent += 1;
          record(recipient, { kind: "sent" });
        } catch (error) {
          result.failed += 1;
          const failure = classifySendFailure(error);
          if (failure !== "temporary") {
            refusalsInARow += 1;
            record(recipient, { kind: "failed", error, undeliverable: failure === "undeliverable" });
            continue;
          }
          if (isConnectionError(error) && ++connectionErrorsInARow >= OUTAGE_AFTER) stop = "outage";
          const attempts = recipient.attempts + 1;
          record(
            recipient,
            attempts >= MAX_SEND_ATTEMPTS ? { kind: "failed", error, undeliverable: false } : { kind: "retry", error, at: clock() + retryDelayMs(attempts) },
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, recipients.length) }, worker));
    flush();
    const unsent = recipients.slice(next);
    outages = stop === "outage" ? outages + 1 : 0;
    const backoff = stop === "outage" ? retryDelayMs(outages) : 0;
    if (unsent.length > 0) {
      throttle.giveBack(unsent.length);
      writes.push(getGroupCommit(db).run((tx) => releaseUnsent(tx, mailing.id, unsent, clock() + backoff)));
    }
    await Promise.all(writes);
    if (refusalsInARow >= PAUSE_AFTER_REFUSALS_IN_A_ROW) {
      refusalsInARow = 0;
      await pauseForRefusals(mailing.id, clock());
    }
    result.waitMs = backoff;
    return result;
  }

  return { id: runnerId, step };
}

type SenderState = { timer?: NodeJS.Timeout; running: boolean; again: boolean; tick?: () => void };
// On globalThis: the custom server and Next's bundle each load this module, and there must be one loop.
const globalForSender = globalThis as unknown as { undersignedMailingSender?: SenderState };

/**
 * Starts the loop that sends mailings over SMTP_URL (decision 0022), with
 * its own pool of connections beside the outbox's, so a confirmation email
 * never queues behind a mailing; the SMTP work runs in a worker thread,
 * off the sign path's event loop. Without SMTP_URL mailings wait. Safe to
 * call more than once.
 */
export function startMailingSender(): void {
  const config = getConfig();
  if (globalForSender.undersignedMailingSender || !config.smtpUrl) return;
  const transport = createSmtpWorkerTransport({
    transportOptions: smtpPoolOptions(config.smtpUrl, { maxConnections: MAILING_CONNECTIONS, socketTimeout: 15_000 }),
    messageDefaults: SMTP_MESSAGE_DEFAULTS,
  });
  const runner = createMailingRunner({ transport, from: getMailFrom() });
  const state: SenderState = { running: false, again: false };
  const tick = () => {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    clearTimeout(state.timer);
    let waitMs = POLL_MS;
    const startedAt = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    runner
      .step()
      .then((result) => {
        waitMs = result.waitMs;
        const loop = performance.eventLoopUtilization(loopBefore);
        if (result.claimed > 0 && loop.utilization > BUSY_LOOP_UTILIZATION) {
          waitMs = Math.max(waitMs, Math.min(MAX_YIELD_MS, (performance.now() - startedAt) * YIELD_FACTOR));
        }
      })
      .catch((error: unknown) => console.error("[mail] mailing sender failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error"))
      .finally(() => {
        state.running = false;
        const next = state.again ? 0 : waitMs;
        state.again = false;
        state.timer = setTimeout(tick, next);
        state.timer.unref();
      });
  };
  state.tick = tick;
  globalForSender.undersignedMailingSender = state;
  tick();
}

/** Asks the sender to look now (a mailing was confirmed, approved or resumed). */
export function nudgeMailingSender(): void {
  const state = globalForSender.undersignedMailingSender;
  if (state?.tick) setImmediate(state.tick);
}
