import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailingRecipients, mailings, signatures, statCounters } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { createMailThrottle } from "@/server/mail/mail-throttle";
import { deliverDueEmails } from "@/server/mail/outbox-sender";
import { invalidateSignature } from "@/server/moderation/invalidate-signature";
import { withdrawSignature, WITHDRAWING_PURPOSES } from "@/server/signatures/withdraw-signature";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizer, createPendingSigner, createPublishedUpdate, createVerifiedSigner } from "@/test/factories";
import { setUpSmtpSink, type SmtpSink, type SmtpTransport } from "@/test/smtp-sink";
import { getMailingProgress } from "./get-mailing-progress";
import { cancelMailing, confirmMailing, pauseMailing, resumeMailing } from "./mailing-lifecycle";
import { createMailingRunner, MAILING_LEASE_MS, PAUSE_AFTER_REFUSALS_IN_A_ROW, type MailingRunner, type MailingTransport } from "./mailing-sender";
import { getMailingAudience, prepareMailing } from "./prepare-mailing";
import { setSignerUpdates, submitUnsubscribe } from "./unsubscribe";

const T0 = Date.parse("2026-12-01T10:00:00Z");
const FROM = '"Undersigned" <no-reply@app.test>';
const TEXTS = {
  en: { title: "The letter reached the Bundestag", body: "We handed it over **today**." },
  ru: { title: "Письмо передано в Бундестаг", body: "Мы передали его **сегодня**." },
};

/** Runs steps until no mailing is sending any more (or `maxSteps`). */
async function drain(runner: MailingRunner, maxSteps = 200): Promise<void> {
  for (let step = 0; step < maxSteps; step += 1) {
    const result = await runner.step();
    if (result.mailingId === null) return;
  }
  throw new Error("the mailing did not finish");
}

function counters(db: AppDatabase) {
  return db.select().from(statCounters).all();
}

describe("sending an update to subscribed signers", () => {
  forbidRealClock();
  let db: AppDatabase;
  let sink: SmtpSink;
  let transport: SmtpTransport;

  setUpTestDatabase((opened) => ({ db } = opened));
  setUpSmtpSink((opened) => ({ sink, transport } = opened));

  const runnerAt = (now: () => number, options: { transport?: MailingTransport; runnerId?: string; rate?: number } = {}) =>
    createMailingRunner({
      transport: options.transport ?? transport,
      from: FROM,
      db,
      now,
      throttle: createMailThrottle(options.rate ?? 0),
      appUrl: "http://app.test",
      runnerId: options.runnerId,
    });

  function prepareAndConfirm(updateId: number, now = T0) {
    const admin = createOrganizer(db, { email: "admin@example.org", role: "admin", now });
    const { mailingId, recipientCount } = prepareMailing({ actor: admin, updateId, db, now });
    expect(confirmMailing({ actor: admin, mailingId, db, now })).toBe("sending");
    return { admin, mailingId, recipientCount };
  }

  it("reaches each verified, subscribed signer once, in their language, with both List-Unsubscribe headers", async () => {
    await createVerifiedSigner(db, { email: "anna@example.org", locale: "en", wantsUpdates: true, now: T0 });
    await createVerifiedSigner(db, { email: "ivan@example.org", locale: "ru", wantsUpdates: true, now: T0 });
    await createVerifiedSigner(db, { email: "olena@example.org", locale: "uk", wantsUpdates: false, now: T0 });
    await createPendingSigner(db, { email: "pending@example.org", locale: "en", wantsUpdates: true, now: T0 });
    const updateId = createPublishedUpdate(db, { slug: "bundestag", texts: TEXTS, now: T0 });
    const admin = createOrganizer(db, { email: "admin@example.org", role: "admin", now: T0 });
    expect(getMailingAudience({ actor: admin, updateId, db })).toMatchObject({ recipients: 2, byLocale: { en: 1, ru: 1, uk: 0 } });

    const { mailingId, recipientCount } = prepareAndConfirm(updateId);
    expect(recipientCount).toBe(2);
    const before = counters(db);
    await drain(runnerAt(() => T0 + 1000));

    expect(sink.received.map((email) => email.to).sort()).toEqual(["anna@example.org", "ivan@example.org"]);
    const ivan = sink.received.find((email) => email.to === "ivan@example.org")!;
    expect(ivan.subject).toBe("Новости от Undersigned");
    expect(ivan.text).toContain("Письмо передано в Бундестаг");
    expect(ivan.text).toContain("Не хотите получать такие письма?");
    expect(ivan.html).toContain("Отписаться от новостей кампании");
    expect(ivan.html).toContain("<strong>сегодня</strong>");
    expect(ivan.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const header = /^<(http:\/\/app\.test\/api\/v1\/unsubscribe\?locale=ru&token=([\w-]+))>$/.exec(ivan.headers["list-unsubscribe"] ?? "");
    expect(header, ivan.headers["list-unsubscribe"]).not.toBeNull();
    // The page link in the body carries the same token as the header.
    expect(ivan.text).toContain(`http://app.test/ru/unsubscribe?token=${header![2]}`);
    const anna = sink.received.find((email) => email.to === "anna@example.org")!;
    expect(anna.subject).toBe("News from Undersigned");
    expect(anna.text).toContain("The letter reached the Bundestag");
    expect(anna.messageId).not.toBe(ivan.messageId);

    expect(getMailingProgress({ actor: admin, mailingId, db, now: T0 + 2000 })).toMatchObject({
      state: "done",
      counts: { sent: 2, failed: 0, skipped: 0, queued: 0, sending: 0 },
      remaining: 0,
    });

    // The header's one-click unsubscribe works with nothing but its token, and moves no count.
    await submitUnsubscribe({ token: header![2]!, db, now: T0 + 3000 });
    expect(db.select({ wantsUpdates: signatures.wantsUpdates, unsubscribedAt: signatures.unsubscribedAt, status: signatures.status }).from(signatures).where(eq(signatures.email, "ivan@example.org")).get()).toEqual({
      wantsUpdates: false,
      unsubscribedAt: T0 + 3000,
      status: "verified",
    });
    expect(counters(db)).toEqual(before);

    // The next update does not reach them.
    const next = createPublishedUpdate(db, { slug: "hearing", texts: TEXTS, now: T0 + 4000 });
    expect(prepareAndConfirm(next, T0 + 4000).recipientCount).toBe(1);
    await drain(runnerAt(() => T0 + 5000));
    expect(sink.received.filter((email) => email.to === "ivan@example.org")).toHaveLength(1);
    expect(sink.received.filter((email) => email.to === "anna@example.org")).toHaveLength(2);
  });

  it("skips signers who withdraw, are invalidated or turn updates off after the mailing was prepared", async () => {
    const staying = await createVerifiedSigner(db, { email: "stays@example.org", wantsUpdates: true, now: T0 });
    const withdrawing = await createVerifiedSigner(db, { email: "withdraws@example.org", wantsUpdates: true, now: T0 });
    const invalid = await createVerifiedSigner(db, { email: "fraud@example.org", wantsUpdates: true, now: T0 });
    const leaving = await createVerifiedSigner(db, { email: "leaves@example.org", wantsUpdates: true, now: T0 });
    const { admin, mailingId, recipientCount } = prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    expect(recipientCount).toBe(4);

    withdrawSignature({ token: withdrawing.manageToken, purposes: WITHDRAWING_PURPOSES, db, now: T0 + 10 });
    invalidateSignature({ actor: SYSTEM, id: invalid.id, reason: "fraud", db, now: T0 + 10 });
    setSignerUpdates({ token: leaving.manageToken, wantsUpdates: false, db, now: T0 + 10 });
    await drain(runnerAt(() => T0 + 1000));

    expect(sink.received.map((email) => email.to)).toEqual(["stays@example.org"]);
    expect(getMailingProgress({ actor: admin, mailingId, db, now: T0 + 2000 })).toMatchObject({ state: "done", counts: { sent: 1, skipped: 3 } });
    expect(staying.id).toBeGreaterThan(0);
  });

  it("marks an address refused with a 5xx undeliverable at once, without a retry, and leaves it out of later mailings", async () => {
    await createVerifiedSigner(db, { email: "good@example.org", wantsUpdates: true, now: T0 });
    await createVerifiedSigner(db, { email: "gone@example.org", wantsUpdates: true, now: T0 });
    sink.refuse("gone@example.org", 550, "5.1.1 No such mailbox");
    const { admin, mailingId } = prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    await drain(runnerAt(() => T0 + 1000));

    expect(sink.refusals).toEqual([{ to: "gone@example.org", code: 550 }]);
    expect(db.select({ state: mailingRecipients.state, lastError: mailingRecipients.lastError }).from(mailingRecipients).innerJoin(signatures, eq(signatures.id, mailingRecipients.signatureId)).where(eq(signatures.email, "gone@example.org")).get()).toEqual({
      state: "failed",
      lastError: "550 5.1.1 EENVELOPE Error",
    });
    expect(db.select({ at: signatures.undeliverableAt, reason: signatures.undeliverableReason }).from(signatures).where(eq(signatures.email, "gone@example.org")).get()).toEqual({
      at: T0 + 1000,
      reason: "550 5.1.1",
    });
    expect(getMailingProgress({ actor: admin, mailingId, db, now: T0 + 2000 })).toMatchObject({ state: "done", counts: { sent: 1, failed: 1 } });

    // Days later: no retry happened, and the next update leaves the address out.
    await drain(runnerAt(() => T0 + 3 * 24 * 3600_000));
    expect(sink.refusals).toHaveLength(1);
    const next = createPublishedUpdate(db, { slug: "next", texts: TEXTS, now: T0 + 10_000 });
    expect(getMailingAudience({ actor: admin, updateId: next, db })).toMatchObject({ recipients: 1, undeliverable: 1 });
  });

  it("retries a temporary refusal (4xx) with backoff and delivers it later", async () => {
    await createVerifiedSigner(db, { email: "busy@example.org", wantsUpdates: true, now: T0 });
    sink.refuse("busy@example.org", 451, "4.2.0 Try again later");
    prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    let now = T0 + 1000;
    const runner = runnerAt(() => now);
    await runner.step();
    const row = db.select().from(mailingRecipients).get()!;
    expect(row).toMatchObject({ state: "queued", attempts: 1, lastError: "451 4.2.0 EENVELOPE Error" });
    expect(row.changedAt).toBeGreaterThan(T0 + 1000);
    // Not due yet: nothing is claimed.
    expect(await runner.step()).toMatchObject({ claimed: 0 });

    sink.accept("busy@example.org");
    now = row.changedAt + 1;
    await drain(runner);
    expect(sink.received.map((email) => email.to)).toEqual(["busy@example.org"]);
    expect(db.select().from(mailingRecipients).get()).toMatchObject({ state: "sent", attempts: 2 });
    expect(db.select({ at: signatures.undeliverableAt }).from(signatures).get()).toEqual({ at: null });
  });

  it(`pauses the mailing by itself after ${PAUSE_AFTER_REFUSALS_IN_A_ROW} refusals in a row, without striking addresses for a policy refusal`, async () => {
    for (let i = 0; i < PAUSE_AFTER_REFUSALS_IN_A_ROW + 5; i += 1) {
      await createVerifiedSigner(db, { email: `r${i}@example.org`, wantsUpdates: true, now: T0 });
      sink.refuse(`r${i}@example.org`, 550, "5.7.1 Relaying denied");
    }
    const { admin, mailingId } = prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    const runner = createMailingRunner({ transport, from: FROM, db, now: () => T0 + 1000, throttle: createMailThrottle(0), appUrl: "http://app.test", batchSize: 5 });
    await drain(runner);
    const progress = getMailingProgress({ actor: admin, mailingId, db, now: T0 + 2000 })!;
    expect(progress).toMatchObject({ state: "paused", pauseReason: "refusals" });
    expect(progress.counts.failed).toBe(PAUSE_AFTER_REFUSALS_IN_A_ROW);
    expect(progress.remaining).toBe(5);
    expect(db.select({ at: signatures.undeliverableAt }).from(signatures).all().every((row) => row.at === null)).toBe(true);
  });

  it("stops at a pause, continues where it stopped on resume, and sends nobody anything after a cancel", async () => {
    for (let i = 0; i < 12; i += 1) await createVerifiedSigner(db, { email: `p${i}@example.org`, wantsUpdates: true, now: T0 });
    const { admin, mailingId } = prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    const runner = createMailingRunner({ transport, from: FROM, db, now: () => T0 + 1000, throttle: createMailThrottle(0), appUrl: "http://app.test", batchSize: 4 });
    await runner.step();
    expect(sink.received).toHaveLength(4);

    pauseMailing({ actor: admin, mailingId, db, now: T0 + 1100 });
    expect(await runner.step()).toMatchObject({ mailingId: null });
    expect(sink.received).toHaveLength(4);

    resumeMailing({ actor: admin, mailingId, db, now: T0 + 1200 });
    await runner.step();
    expect(sink.received).toHaveLength(8);

    cancelMailing({ actor: admin, mailingId, db, now: T0 + 1300 });
    await drain(runner);
    expect(sink.received).toHaveLength(8);
    expect(new Set(sink.received.map((email) => email.to)).size).toBe(8);
    expect(getMailingProgress({ actor: admin, mailingId, db, now: T0 + 2000 })).toMatchObject({ state: "cancelled", counts: { sent: 8 }, remaining: 4 });

    // A new mailing of the same update goes only to the four it never reached.
    const again = prepareMailing({ actor: admin, updateId: getMailingProgress({ actor: admin, mailingId, db, now: T0 })!.updateId, db, now: T0 + 3000 });
    expect(again.recipientCount).toBe(4);
  });

  it("keeps to the async throttle: a 60-a-minute budget sends one email a second", async () => {
    for (let i = 0; i < 5; i += 1) await createVerifiedSigner(db, { email: `t${i}@example.org`, wantsUpdates: true, now: T0 });
    prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    let now = T0 + 1000;
    const runner = runnerAt(() => now, { rate: 60 });
    expect(await runner.step()).toMatchObject({ sent: 1 });
    const waiting = await runner.step();
    expect(waiting).toMatchObject({ claimed: 0 });
    expect(waiting.waitMs).toBeGreaterThan(900);
    now += 1000;
    expect(await runner.step()).toMatchObject({ sent: 1 });
    now += 3000;
    expect(await runner.step()).toMatchObject({ sent: 3 });
    expect(sink.received).toHaveLength(5);
  });

  it("never holds a confirmation email back for a async mailing: the outbox sends at once, and what it sends holds the mailing back", async () => {
    for (let i = 0; i < 3; i += 1) await createVerifiedSigner(db, { email: `m${i}@example.org`, wantsUpdates: true, now: T0 });
    prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    const throttle = createMailThrottle(60);
    let now = T0 + 1000;
    const runner = createMailingRunner({ transport, from: FROM, db, now: () => now, throttle, appUrl: "http://app.test" });
    expect(await runner.step()).toMatchObject({ sent: 1 });
    // The budget is spent; a new signer's confirmation is queued meanwhile.
    await createPendingSigner(db, { email: "newcomer@example.org", now });
    // (The three subscribers' own confirmation emails are still queued too: the factory never sent them.)
    expect(await deliverDueEmails({ transport, from: FROM, db, now: () => now })).toMatchObject({ sent: 4 });
    expect(sink.received.filter((email) => email.to === "newcomer@example.org")).toHaveLength(1);
    // The outbox sender spends from the same budget (startOutboxSender): the mailing waits for it.
    throttle.spend(1, now);
    now += 1000;
    expect(await runner.step()).toMatchObject({ claimed: 0 });
    now += 1000;
    expect(await runner.step()).toMatchObject({ sent: 1 });
  });

  it("after a sender dies mid-batch, a new one takes over when the lease ends and re-sends only the emails in doubt, with the same Message-IDs", async () => {
    for (let i = 0; i < 10; i += 1) await createVerifiedSigner(db, { email: `c${i}@example.org`, wantsUpdates: true, now: T0 });
    const { admin, mailingId } = prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    // The dying sender: its first three sends are delivered and answered; the
    // next two reach the relay but the process dies before it hears the 250;
    // the rest never leave. Nothing after the crash runs, as with kill -9.
    let sends = 0;
    const delivered: string[] = [];
    const dying: MailingTransport = {
      async sendMail(message) {
        const index = ++sends;
        if (index <= 5) {
          await transport.sendMail(message);
          delivered.push(message.envelope.to);
        }
        if (index <= 3) return;
        await new Promise(() => undefined);
      },
    };
    void runnerAt(() => T0 + 1000, { transport: dying, runnerId: "dead" }).step();
    await expect.poll(() => db.select().from(mailingRecipients).where(eq(mailingRecipients.state, "sent")).all().length).toBe(3);
    await expect.poll(() => delivered.length).toBe(5);

    // Before the lease runs out nobody else may send.
    expect(await runnerAt(() => T0 + 2000, { runnerId: "next" }).step()).toMatchObject({ claimed: 0 });
    expect(sink.received).toHaveLength(5);

    await drain(runnerAt(() => T0 + 1000 + MAILING_LEASE_MS + 1, { runnerId: "next" }));
    const copies = new Map<string, string[]>();
    for (const email of sink.received) copies.set(email.to, [...(copies.get(email.to) ?? []), email.messageId]);
    expect(copies.size).toBe(10);
    const twice = [...copies].filter(([, ids]) => ids.length > 1);
    // Exactly the two whose 250 was never recorded came twice, each time with one Message-ID.
    expect(twice.map(([to]) => to).sort()).toEqual(delivered.slice(3).sort());
    for (const [, ids] of twice) expect(new Set(ids).size).toBe(1);
    const progress = getMailingProgress({ actor: admin, mailingId, db, now: T0 + 100_000 })!;
    expect(progress).toMatchObject({ state: "done", counts: { sent: 10 } });
    // The in-doubt emails (the five in flight and the two claimed but not started) were queued again and counted.
    expect(progress.resentAfterCrash).toBe(7);
  });

  it("never sends a mailing that was prepared but not confirmed", async () => {
    await createVerifiedSigner(db, { email: "wait@example.org", wantsUpdates: true, now: T0 });
    const admin = createOrganizer(db, { email: "admin@example.org", role: "admin", now: T0 });
    const { mailingId } = prepareMailing({ actor: admin, updateId: createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }), db, now: T0 });
    expect(await runnerAt(() => T0 + 1000).step()).toMatchObject({ mailingId: null });
    expect(sink.received).toHaveLength(0);
    expect(db.select({ state: mailings.state }).from(mailings).where(eq(mailings.id, mailingId)).get()).toEqual({ state: "prepared" });
  });

  it("composes messages a real SMTP client can async send: a nodemailer stream of the same message parses the same", async () => {
    await createVerifiedSigner(db, { email: "idn@пример.рф", wantsUpdates: true, locale: "ru", now: T0 });
    prepareAndConfirm(createPublishedUpdate(db, { slug: "news", texts: TEXTS, now: T0 }));
    const captured: { to: string; raw: string }[] = [];
    const stream = nodemailer.createTransport({ streamTransport: true, buffer: true });
    await drain(
      runnerAt(() => T0 + 1000, {
        transport: {
          async sendMail(message) {
            captured.push({ to: message.envelope.to, raw: message.raw });
            await stream.sendMail(message);
          },
        },
      }),
    );
    expect(captured).toHaveLength(1);
    // An internationalised domain goes out in its ASCII form, in the envelope and in To.
    expect(captured[0]!.to).toBe("idn@xn--e1afmkfd.xn--p1ai");
    expect(captured[0]!.raw).toMatch(/^To: idn@xn--e1afmkfd\.xn--p1ai\r$/m);
    stream.close();
  });
});
