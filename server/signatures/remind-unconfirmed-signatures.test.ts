import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "@/db/client";
import { appSettings, mailOutbox, signatures, signatureTokens, statCounters } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import { SYSTEM } from "@/server/auth/actor";
import { resetConfigForTesting } from "@/server/config";
import { getDashboard } from "@/server/dashboard/get-dashboard";
import { enqueueEmail, MAX_EMAILS_PER_ADDRESS_PER_DAY } from "@/server/mail/enqueue-email";
import { markAddressUndeliverable } from "@/server/mail/smtp-failure";
import { runMaintenance } from "@/server/maintenance/run-maintenance";
import { setSignerUpdates } from "@/server/mailings/unsubscribe";
import { invalidateSignature } from "@/server/moderation/invalidate-signature";
import { exportPersonalData, purgeUnconfirmedSignatures } from "@/server/privacy/retention";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, createPendingSigner, createVerifiedSigner, deliverQueuedEmails, linkTokenFromOutbox, submitTestSignature, withRenderedEmail } from "@/test/factories";
import { submitConfirmation } from "./confirm-signature";
import { remindUnconfirmedSignatures } from "./remind-unconfirmed-signatures";
import { withdrawSignature } from "./withdraw-signature";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** 10:00 UTC: T0 + 48 h is 10:00 two days later, the same UTC day as T0 + 49 h. */
const T0 = Date.parse("2026-11-02T10:00:00Z");

const remind = (db: AppDatabase, now: number, options: { limit?: number } = {}) => remindUnconfirmedSignatures({ actor: SYSTEM, hours: 48, db, now, ...options });

const reminders = (db: AppDatabase, address?: string) =>
  db
    .select()
    .from(mailOutbox)
    .where(address ? and(eq(mailOutbox.kind, "confirmReminder"), eq(mailOutbox.toAddress, address)) : eq(mailOutbox.kind, "confirmReminder"))
    .all()
    .map((row) => withRenderedEmail(db, row));

const counter = (db: AppDatabase, key: string) =>
  db.select().from(statCounters).all().find((row) => row.scope === "reminder" && row.key === key)?.count ?? 0;

/** A pending signer whose confirmation email has been sent (its link's token made then, decision 0029). */
async function createMailedPendingSigner(db: AppDatabase, options: Parameters<typeof createPendingSigner>[1] & { now: number }) {
  const signer = await createPendingSigner(db, options);
  await deliverQueuedEmails(db, options.now);
  return signer;
}

/** Spends the address's daily cap as other emails would, through the production enqueue. */
function spendDailyCap(db: AppDatabase, address: string, now: number) {
  db.transaction((tx) => {
    for (let i = 0; i < MAX_EMAILS_PER_ADDRESS_PER_DAY; i += 1) {
      enqueueEmail(tx, { kind: "other", to: address, emailKey: normalizeEmail(address), signatureId: null, locale: "en", email: { subject: "s", text: "t", html: "h" }, now });
    }
  });
}

describe("the one reminder to confirm", () => {
  forbidRealClock();
  let db: AppDatabase;
  let filePath: string | undefined;
  setUpTestDatabase((opened) => ({ db, filePath } = opened), { file: true });
  afterEach(() => {
    delete process.env.CONFIRM_REMINDER_HOURS;
    resetConfigForTesting();
  });

  it("goes 48 hours after the confirmation email, once: never a second, whatever runs after", async () => {
    await createMailedPendingSigner(db, { email: "late@example.org", now: T0 });
    expect(await remind(db, T0 + 48 * HOUR - 1)).toMatchObject({ reminded: 0 });
    expect(reminders(db)).toEqual([]);

    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ reminded: 1, held: 0 });
    for (const later of [T0 + 49 * HOUR, T0 + 3 * DAY, T0 + 6 * DAY]) expect(await remind(db, later)).toMatchObject({ reminded: 0 });
    // Even with the cursor lost (or a second process scanning from the start), reminded_at stops a second one.
    db.delete(appSettings).run();
    expect(await remind(db, T0 + 7 * DAY)).toMatchObject({ reminded: 0 });

    const [email] = reminders(db, "late@example.org");
    expect(reminders(db)).toHaveLength(1);
    expect(email).toMatchObject({ locale: "en", subject: "Reminder: please confirm your email address" });
    expect(email!.subject).not.toMatch(/prisoner|letter|political/i);
    expect(email!.textBody).toContain("This is the only reminder we send");
    expect(email!.textBody).toContain("If you did not ask for this, ignore this email");
    expect(email!.textBody).toMatch(/http:\/\/app\.test\/en\/withdraw\?token=[\w-]+\s*$/);
    expect(db.select({ remindedAt: signatures.remindedAt }).from(signatures).get()).toEqual({ remindedAt: T0 + 48 * HOUR });
    expect(counter(db, "sent")).toBe(1);
    // A subject access request says it was sent.
    expect(exportPersonalData({ actor: SYSTEM, email: "late@example.org", db, now: T0 + 7 * DAY }).signature?.remindedAt).toBe("2026-11-04T10:00:00.000Z");
  });

  it("carries a new confirmation link that works for 7 days, and the dashboard counts who confirmed after it", async () => {
    const viewer = createOrganizer(db, { email: "viewer@example.org", role: "viewer", now: T0 });
    await createMailedPendingSigner(db, { email: "reminded@example.org", now: T0 });
    await createVerifiedSigner(db, { email: "at-once@example.org", now: T0 });
    await remind(db, T0 + 48 * HOUR);
    const token = linkTokenFromOutbox(db, "reminded@example.org", "confirm");
    const stored = db.select().from(signatureTokens).where(eq(signatureTokens.purpose, "confirm")).all().at(-1)!;
    expect(stored.expiresAt).toBe(T0 + 48 * HOUR + 7 * DAY);

    // Past the first link's 7 days, the reminder's still confirms, through the hot path.
    expect(await submitConfirmation({ token, db, now: T0 + 8 * DAY })).toBe("ready");
    expect(db.select({ status: signatures.status }).from(signatures).where(eq(signatures.email, "reminded@example.org")).get()).toEqual({ status: "verified" });
    // Confirming again changes no count.
    await submitConfirmation({ token, db, now: T0 + 8 * DAY });
    expect(getDashboard({ actor: viewer, db, now: T0 + 8 * DAY }).reminders).toEqual({ sent: 1, confirmedAfter: 1, hours: 48 });
  });

  it("never goes to a verified, withdrawn, invalidated or unsubscribed signature, nor to an address refused for good", async () => {
    await createVerifiedSigner(db, { email: "verified@example.org", now: T0 });
    const withdrawn = await createMailedPendingSigner(db, { email: "withdrawn@example.org", now: T0 });
    withdrawSignature({ token: withdrawn.withdrawToken, db, now: T0 + HOUR });
    const invalid = await createMailedPendingSigner(db, { email: "invalid@example.org", now: T0 });
    invalidateSignature({ actor: SYSTEM, id: invalid.id, reason: "fraud", db, now: T0 + HOUR });
    const bounced = await createMailedPendingSigner(db, { email: "bounced@example.org", now: T0 });
    markAddressUndeliverable(db, { signatureId: bounced.id, reason: "550 5.1.1", now: T0 + 1000 });
    const quiet = await createMailedPendingSigner(db, { email: "quiet@example.org", wantsUpdates: true, now: T0 });
    setSignerUpdates({ token: quiet.manageToken, wantsUpdates: false, db, now: T0 + HOUR });
    await createMailedPendingSigner(db, { email: "waiting@example.org", now: T0 });

    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ scanned: 6, reminded: 1, held: 0 });
    expect(reminders(db).map((email) => email.toAddress)).toEqual(["waiting@example.org"]);
  });

  it("waits when the address's daily cap is spent and tries again the next run, still once", async () => {
    await createMailedPendingSigner(db, { email: "capped@example.org", now: T0 });
    spendDailyCap(db, "capped@example.org", T0 + 48 * HOUR - 1000);
    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ reminded: 0, held: 1 });
    expect(await remind(db, T0 + 49 * HOUR)).toMatchObject({ reminded: 0, held: 1 });
    expect(db.select({ remindedAt: signatures.remindedAt }).from(signatures).get()).toEqual({ remindedAt: null });
    // The next UTC day the cap starts over.
    expect(await remind(db, T0 + 62 * HOUR)).toMatchObject({ reminded: 1, held: 0 });
    expect(await remind(db, T0 + 63 * HOUR)).toMatchObject({ reminded: 0 });
    expect(reminders(db, "capped@example.org")).toHaveLength(1);
  });

  it("counts from the newest confirmation email: a signer who asked again is reminded 48 hours after that one", async () => {
    await createMailedPendingSigner(db, { email: "again@example.org", now: T0 });
    await createMailedPendingSigner(db, { email: "again@example.org", now: T0 + 30 * HOUR });
    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ reminded: 0, held: 1 });
    expect(await remind(db, T0 + 78 * HOUR)).toMatchObject({ reminded: 1, held: 0 });
  });

  it("waits while the confirmation email is still in the outbox (SMTP down), and counts its 48 hours from when it went out", async () => {
    await createPendingSigner(db, { email: "stuck@example.org", now: T0 });
    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ reminded: 0, held: 1 });
    await deliverQueuedEmails(db, T0 + 60 * HOUR);
    expect(await remind(db, T0 + 107 * HOUR)).toMatchObject({ reminded: 0, held: 1 });
    expect(await remind(db, T0 + 108 * HOUR)).toMatchObject({ reminded: 1, held: 0 });
  });

  it("sends none to a signature whose confirmation email never went out (the cap refused it): it would not be a reminder", async () => {
    spendDailyCap(db, "never-mailed@example.org", T0 - 1000);
    await submitTestSignature(db, { email: "never-mailed@example.org", now: T0 });
    expect(db.select({ status: signatures.status }).from(signatures).all()).toEqual([{ status: "pending" }]);
    expect(db.select().from(signatureTokens).all()).toEqual([]);
    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ reminded: 0, held: 0 });
    expect(reminders(db)).toEqual([]);
  });

  it("reads only the signatures that came of age since the last run", async () => {
    for (let i = 0; i < 4; i += 1) await createVerifiedSigner(db, { email: `old${i}@example.org`, now: T0 });
    await createMailedPendingSigner(db, { email: "young@example.org", now: T0 + 10 * HOUR });
    expect(await remind(db, T0 + 48 * HOUR)).toMatchObject({ scanned: 4, reminded: 0 });
    expect(await remind(db, T0 + 49 * HOUR)).toMatchObject({ scanned: 0, reminded: 0 });
    expect(await remind(db, T0 + 58 * HOUR)).toMatchObject({ scanned: 1, reminded: 1 });
  });

  it("queues at most its budget per run (an hour of MAIL_RATE_PER_MINUTE by default); the rest go next run", async () => {
    for (let i = 0; i < 3; i += 1) await createMailedPendingSigner(db, { email: `many${i}@example.org`, now: T0 });
    expect(await remind(db, T0 + 48 * HOUR, { limit: 2 })).toMatchObject({ reminded: 2, held: 1 });
    expect(await remind(db, T0 + 49 * HOUR, { limit: 2 })).toMatchObject({ reminded: 1, held: 0 });
    expect(reminders(db)).toHaveLength(3);
  });

  it("is one per signature across processes: a run on a second connection finds nothing left", async () => {
    await createMailedPendingSigner(db, { email: "shared@example.org", now: T0 });
    const second = openDatabase(`file:${filePath!}`);
    try {
      const [first, other] = await Promise.all([remind(db, T0 + 48 * HOUR), remind(second, T0 + 48 * HOUR)]);
      expect(first.reminded + other.reminded).toBe(1);
      db.delete(appSettings).run();
      expect((await remind(second, T0 + 50 * HOUR)).reminded).toBe(0);
    } finally {
      second.$client.close();
    }
    expect(reminders(db)).toHaveLength(1);
  });

  it("runs in the hourly maintenance; CONFIRM_REMINDER_HOURS=0 turns it off; the 30-day purge still deletes a reminded signature", async () => {
    await createMailedPendingSigner(db, { email: "purged@example.org", now: T0 });
    process.env.CONFIRM_REMINDER_HOURS = "0";
    resetConfigForTesting();
    const off = await runMaintenance({ trigger: "schedule", tasks: ["remindUnconfirmed"], db, now: T0 + 48 * HOUR });
    expect(off).toMatchObject({ ran: true, results: [{ task: "remindUnconfirmed", outcome: "skipped" }] });
    expect(reminders(db)).toEqual([]);

    process.env.CONFIRM_REMINDER_HOURS = "48";
    resetConfigForTesting();
    const on = await runMaintenance({ trigger: "schedule", tasks: ["remindUnconfirmed"], db, now: T0 + 49 * HOUR });
    expect(on).toMatchObject({ ran: true, results: [{ task: "remindUnconfirmed", outcome: "ok", summary: { reminded: 1 } }] });

    expect(purgeUnconfirmedSignatures({ actor: SYSTEM, days: 30, db, now: T0 + 31 * DAY, checkpoint: false })).toEqual({ deleted: 1 });
    expect(db.select().from(signatures).all()).toEqual([]);
    expect(db.select().from(signatureTokens).all()).toEqual([]);
  });

  it("is written in the signer's language", async () => {
    await createMailedPendingSigner(db, { email: "ru@example.org", locale: "ru", now: T0 });
    await createMailedPendingSigner(db, { email: "uk@example.org", locale: "uk", now: T0 });
    await remind(db, T0 + 48 * HOUR);
    const [ru] = reminders(db, "ru@example.org");
    const [uk] = reminders(db, "uk@example.org");
    expect(ru).toMatchObject({ locale: "ru", subject: "Напоминание: подтвердите адрес электронной почты" });
    expect(ru!.textBody).toContain("Это единственное напоминание");
    expect(ru!.textBody).toContain("http://app.test/ru/confirm?token=");
    expect(uk).toMatchObject({ locale: "uk", subject: "Нагадування: підтвердьте адресу електронної пошти" });
    expect(uk!.textBody).toContain("Це єдине нагадування");
    expect(uk!.textBody).toContain("http://app.test/uk/withdraw?token=");
  });

  it("may be run by owners and the system only", async () => {
    const admin = createOrganizer(db, { email: "admin@example.org", role: "admin", now: T0 });
    await expect(remindUnconfirmedSignatures({ actor: admin, hours: 48, db, now: T0 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
