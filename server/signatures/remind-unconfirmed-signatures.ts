import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import { and, asc, eq, gt, isNull, max } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { appSettings, mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import { type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { getConfig } from "@/server/config";
import { enqueueEmail } from "@/server/mail/enqueue-email";
import { nudgeOutboxSender } from "@/server/mail/outbox-sender";
import { addToCounter } from "@/server/stats/counters";

// The one reminder to confirm (issue 15 item 6, decision 0022 "One reminder").
//
// Which signatures are looked at: every signature once, in id order, from a
// cursor kept in app_settings (the highest id every signature up to which has
// been decided). An hourly run reads the signatures of about one hour (those
// that crossed the reminder age since the last run), not every pending one,
// and the sign path writes nothing for it: no index, no column. A signature
// that is due but cannot be reminded yet (the daily cap is spent, or the
// signer asked for the confirmation email again recently) holds the cursor
// there, so the next run looks at it again; `reminded_at` makes a second
// reminder impossible whatever is scanned twice.

const HOUR_MS = 60 * 60 * 1000;
const SCAN_BATCH = 500;
const CURSOR_KEY = "confirmReminders.scannedThrough";

export type ReminderRunSummary = {
  hours: number;
  /** Signatures read this run. */
  scanned: number;
  /** Reminders queued. */
  reminded: number;
  /** Due, but left for a later run: the address's daily cap is spent, a newer confirmation email went out, or the run's budget is used up. */
  held: number;
  /** The cursor after the run (signature id). */
  scannedThrough: number;
};

type ScannedRow = {
  id: number;
  createdAt: number;
  status: string;
  remindedAt: number | null;
  undeliverableAt: number | null;
  unsubscribedAt: number | null;
};

/**
 * Whether a signature may still get its reminder: pending (not verified,
 * withdrawn or invalidated), never reminded, its address never refused for
 * good, and the signer did not turn our emails off from their private page.
 */
function mayBeReminded(row: Omit<ScannedRow, "id" | "createdAt">): boolean {
  return row.status === "pending" && row.remindedAt === null && row.undeliverableAt === null && row.unsubscribedAt === null;
}

/** Whether an email to this signature is still waiting in the outbox. */
function hasQueuedEmail(tx: Transaction, signatureId: number): boolean {
  return (
    tx
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.signatureId, signatureId), eq(mailOutbox.status, "queued")))
      .get() !== undefined
  );
}

function readCursor(db: AppDatabase): number {
  const value = db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, CURSOR_KEY)).get()?.value;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : 0;
}

function writeCursor(db: AppDatabase, scannedThrough: number, now: number): void {
  db.insert(appSettings)
    .values({ key: CURSOR_KEY, value: String(scannedThrough), updatedAt: now })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: String(scannedThrough), updatedAt: now } })
    .run();
}

type Decision = "decided" | "held";

/**
 * In one transaction: re-reads each due signature (the scan ran outside it),
 * and queues its reminder (whose fresh confirmation and withdrawal links the
 * sender makes, decision 0029), sets `reminded_at` and counts it, all or
 * nothing per signature. The transaction is IMMEDIATE: two processes cannot
 * both see `reminded_at` null.
 */
function remindBatch(
  tx: Transaction,
  ids: number[],
  options: { cutoff: number; now: number; budget: number },
): { decisions: Map<number, Decision>; reminded: number } {
  const { cutoff, now } = options;
  const decisions = new Map<number, Decision>();
  let reminded = 0;
  for (const id of ids) {
    const row = tx
      .select({
        email: signatures.email,
        emailKey: signatures.emailKey,
        name: signatures.name,
        locale: signatures.locale,
        status: signatures.status,
        remindedAt: signatures.remindedAt,
        undeliverableAt: signatures.undeliverableAt,
        unsubscribedAt: signatures.unsubscribedAt,
      })
      .from(signatures)
      .where(eq(signatures.id, id))
      .get();
    if (!row || !mayBeReminded(row)) {
      decisions.set(id, "decided");
      continue;
    }
    // Its confirmation email still waiting to be sent (an SMTP outage):
    // remind once it has gone out, not before.
    if (hasQueuedEmail(tx, id)) {
      decisions.set(id, "held");
      continue;
    }
    // The newest confirmation email sent (its link's token, made when it was
    // sent, decision 0029): none means the address never got one (the daily
    // cap refused it), and a reminder of an email that never came would be
    // the first, not a reminder.
    const lastSentAt = tx
      .select({ at: max(signatureTokens.createdAt) })
      .from(signatureTokens)
      .where(and(eq(signatureTokens.signatureId, id), eq(signatureTokens.purpose, "confirm")))
      .get()?.at;
    if (lastSentAt === null || lastSentAt === undefined) {
      decisions.set(id, "decided");
      continue;
    }
    if (lastSentAt > cutoff || reminded >= options.budget) {
      decisions.set(id, "held");
      continue;
    }
    const queued = enqueueEmail(tx, {
      kind: "confirmReminder",
      to: row.email,
      emailKey: row.emailKey,
      signatureId: id,
      locale: isLocale(row.locale) ? row.locale : DEFAULT_LOCALE,
      // Its confirm and withdrawal links are made when it is sent (decision 0029).
      signerEmail: { name: row.name },
      now,
    });
    if (!queued) {
      // The address has had its 3 emails today: next run, still once.
      decisions.set(id, "held");
      continue;
    }
    tx.update(signatures).set({ remindedAt: now }).where(and(eq(signatures.id, id), isNull(signatures.remindedAt))).run();
    addToCounter(tx, "reminder", "sent", 1);
    reminded += 1;
    decisions.set(id, "decided");
  }
  return { decisions, reminded };
}

/**
 * Queues the one reminder to confirm for every pending signature whose
 * newest confirmation email is at least `hours` old (CONFIRM_REMINDER_HOURS),
 * never a second, never to an address refused for good, a withdrawn,
 * invalidated or verified signature, nor past the address's daily cap (then
 * a later run tries again). At most `limit` reminders per run (default: an
 * hour of MAIL_RATE_PER_MINUTE): a backlog goes out over several runs
 * instead of in one burst at the relay. Yields to the event loop between
 * batches. The server's maintenance and the command line (owners).
 */
export async function remindUnconfirmedSignatures(options: {
  actor: Actor;
  hours?: number;
  limit?: number;
  db?: AppDatabase;
  now?: number;
}): Promise<ReminderRunSummary> {
  assertCan(options.actor, "maintain");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const config = getConfig();
  const hours = options.hours ?? config.confirmReminderHours;
  const cutoff = now - hours * HOUR_MS;
  const limit = options.limit ?? (config.mailRatePerMinute > 0 ? config.mailRatePerMinute * 60 : Number.POSITIVE_INFINITY);
  let scannedThrough = readCursor(db);
  const summary: ReminderRunSummary = { hours, scanned: 0, reminded: 0, held: 0, scannedThrough };
  if (hours <= 0) return summary;

  let after = scannedThrough;
  let isHeldBack = false;
  for (;;) {
    const rows: ScannedRow[] = db
      .select({
        id: signatures.id,
        createdAt: signatures.createdAt,
        status: signatures.status,
        remindedAt: signatures.remindedAt,
        undeliverableAt: signatures.undeliverableAt,
        unsubscribedAt: signatures.unsubscribedAt,
      })
      .from(signatures)
      .where(gt(signatures.id, after))
      .orderBy(asc(signatures.id))
      .limit(SCAN_BATCH)
      .all();
    // Ids grow with time: the first signature too young for a reminder ends the scan.
    const youngAt = rows.findIndex((row) => row.createdAt > cutoff);
    const old = youngAt === -1 ? rows : rows.slice(0, youngAt);
    summary.scanned += old.length;
    const due = old.filter(mayBeReminded).map((row) => row.id);
    const { decisions, reminded } =
      due.length > 0
        ? db.transaction((tx) => remindBatch(tx, due, { cutoff, now, budget: limit - summary.reminded }), { behavior: "immediate" })
        : { decisions: new Map<number, Decision>(), reminded: 0 };
    summary.reminded += reminded;
    for (const row of old) {
      if (decisions.get(row.id) === "held") {
        summary.held += 1;
        isHeldBack = true;
      } else if (!isHeldBack) {
        scannedThrough = row.id;
      }
    }
    if (youngAt !== -1 || rows.length < SCAN_BATCH) break;
    after = rows.at(-1)!.id;
    await nextTurn();
  }
  writeCursor(db, scannedThrough, now);
  if (summary.reminded > 0) nudgeOutboxSender();
  return { ...summary, scannedThrough };
}
