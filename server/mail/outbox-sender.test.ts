import net, { type AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { hashToken } from "@/server/security/tokens";
import { SYSTEM } from "@/server/auth/actor";
import { erasePersonalData } from "@/server/privacy/retention";
import { getConfirmationState } from "@/server/signatures/confirm-signature";
import { CONFIRM_TOKEN_TTL_DAYS, MANAGE_TOKEN_TTL_DAYS, WITHDRAW_TOKEN_TTL_DAYS } from "@/server/signatures/issue-signer-links";
import { MAX_EMAILS_PER_ADDRESS_PER_DAY } from "./enqueue-email";
import { setUpTestDatabase } from "@/test/database";
import { submitTestSignature } from "@/test/factories";
import { deliverDueEmails, MAX_SEND_ATTEMPTS, retryDelayMs, type MailTransport } from "./outbox-sender";

type Received = { to: string[]; subject: string; text: string; messageId: string };

/** A real SMTP server on loopback that can be told to refuse mail for a while. */
async function startSmtpServer(listenPort = 0) {
  const received: Received[] = [];
  const control = { refuse: false, refuseWith: new Map<string, { code: number; message: string }>() };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const rule = control.refuseWith.get(address.address);
      if (rule) return callback(Object.assign(new Error(rule.message), { responseCode: rule.code }));
      if (control.refuse) {
        const error = Object.assign(new Error("Try again later"), { responseCode: 451 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const parsed = await PostalMime.parse(Buffer.concat(chunks));
        received.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          messageId: parsed.messageId ?? "",
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  return { received, control, transport, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback port nothing listens on (until a test starts a server there). */
async function findFreePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A transport that answers after a delay and counts how many sends overlap. */
function createSlowTransport(delayMs: number) {
  const stats = { inFlight: 0, maxInFlight: 0, messageIds: [] as string[] };
  const transport: MailTransport = {
    async sendMail(message) {
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      stats.messageIds.push(message.messageId);
      stats.inFlight -= 1;
    },
  };
  return { stats, transport };
}

describe("the outbox sender", () => {
  let db: AppDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(async () => {
    smtp = await startSmtpServer();
  });
  afterEach(async () => {
    smtp.transport.close();
    await smtp.close();
  });

  it("delivers queued emails over SMTP with their stable Message-ID and marks them sent", async () => {
    const now = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "one@example.org", now: now });
    await submitTestSignature(db, { name: "Anna", email: "two@example.org", now: now });
    const result = await deliverDueEmails({ transport: smtp.transport, from: '"Undersigned" <no-reply@app.test>', db });
    expect(result).toEqual({ sent: 2, failed: 0, claimed: 2 });

    const rows = db.select().from(mailOutbox).all();
    expect(rows.every((row) => row.status === "sent" && row.sentAt !== null && row.attempts === 1)).toBe(true);
    expect(smtp.received.map((mail) => mail.to[0]).sort()).toEqual(["one@example.org", "two@example.org"]);
    expect(smtp.received.map((mail) => mail.messageId).sort()).toEqual(rows.map((row) => row.messageId).sort());
    expect(smtp.received[0]!.text).toMatch(/\/confirm\?token=/);

    // Nothing is sent twice.
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db })).toEqual({ sent: 0, failed: 0, claimed: 0 });
    expect(smtp.received).toHaveLength(2);
  });

  it("once sent, an email keeps only its kind, times, Message-ID and status: no address, no subject, no links", async () => {
    const now = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "kept-private@example.org", now: now });
    const queued = db.select().from(mailOutbox).get()!;
    expect(queued).toMatchObject({ toAddress: "kept-private@example.org", signatureId: 1, templateValues: '{"name":"Anna"}' });
    await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => now });

    const sent = db.select().from(mailOutbox).get()!;
    expect(sent).toMatchObject({ kind: "confirm", status: "sent", messageId: queued.messageId, createdAt: now, sentAt: now });
    expect(sent).toMatchObject({ toAddress: "", subject: "", textBody: "", htmlBody: "", templateValues: null, locale: "", signatureId: null });
    const stored = JSON.stringify(db.$client.prepare("select * from mail_outbox").all());
    for (const secret of ["kept-private", "Anna", "token=", "http"]) expect(stored).not.toContain(secret);
    // The address is counted for the day's cap only under a keyed hash.
    expect(sent.recipientKey).toMatch(/^[\w-]{22}$/);
  });

  it("the cap of three emails a day per address holds after they are sent", async () => {
    const now = Date.now();
    for (let i = 0; i < 5; i += 1) {
      await submitTestSignature(db, { name: "Anna", email: "Repeat@Example.org", now: now + i });
      await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => now + i });
    }
    expect(smtp.received).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY);
    expect(db.select().from(mailOutbox).all()).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY);
  });

  it("keeps emails while the SMTP server refuses them, retries with backoff, and delivers when it recovers", async () => {
    const start = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "wait@example.org", now: start });
    smtp.control.refuse = true;
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start })).toMatchObject({ failed: 1 });
    const afterFailure = db.select().from(mailOutbox).get()!;
    expect(afterFailure).toMatchObject({ status: "queued", attempts: 1, lastError: expect.stringContaining("451") });
    expect(afterFailure.lastError).not.toContain("wait@example.org");
    expect(afterFailure.nextAttemptAt).toBeGreaterThan(start);

    // Not due yet: the sender leaves it alone.
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start + 1 })).toMatchObject({ claimed: 0 });

    smtp.control.refuse = false;
    const later = afterFailure.nextAttemptAt + 1;
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => later })).toMatchObject({ sent: 1 });
    expect(db.select().from(mailOutbox).get()).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(smtp.received).toHaveLength(1);
  });

  it("does not retry a permanent refusal (5xx): the email fails at once, and an address refused as unknown is marked undeliverable", async () => {
    const start = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "gone@example.org", now: start });
    await submitTestSignature(db, { name: "Anna", email: "policy@example.org", now: start });
    smtp.control.refuseWith.set("gone@example.org", { code: 550, message: "5.1.1 No such user" });
    smtp.control.refuseWith.set("policy@example.org", { code: 550, message: "5.7.1 Relaying denied" });
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start })).toMatchObject({ failed: 2 });
    // Given up at once, so blanked like a sent email (decision 0019): the outcome stays, the address goes.
    const rows = db.select({ to: mailOutbox.toAddress, status: mailOutbox.status, attempts: mailOutbox.attempts, error: mailOutbox.lastError }).from(mailOutbox).orderBy(mailOutbox.id).all();
    expect(rows).toEqual([
      { to: "", status: "failed", attempts: 1, error: expect.stringContaining("550") },
      { to: "", status: "failed", attempts: 1, error: expect.stringContaining("550") },
    ]);
    const marked = db.select({ email: signatures.email, at: signatures.undeliverableAt, reason: signatures.undeliverableReason }).from(signatures).orderBy(signatures.email).all();
    expect(marked).toEqual([
      { email: "gone@example.org", at: start, reason: "550 5.1.1" },
      { email: "policy@example.org", at: null, reason: null },
    ]);
    // Nothing is tried again, however late.
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start + 7 * 24 * 3600_000 })).toMatchObject({ claimed: 0 });
  });

  it("makes a signer's links as the email leaves: none waits in the outbox, and the database keeps only their hashes", async () => {
    const signedAt = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "links@example.org", now: signedAt });
    expect(db.select().from(signatureTokens).all()).toEqual([]);
    const sentAt = signedAt + 3_600_000;
    await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => sentAt });

    const [mail] = smtp.received;
    const link = (path: string) => new RegExp(`http://app\\.test/en/${path}\\?token=([\\w-]+)`).exec(mail!.text)?.[1];
    const tokens = { confirm: link("confirm"), manage: link("my"), withdraw: link("withdraw") };
    expect(Object.values(tokens).every(Boolean)).toBe(true);
    const stored = db.select().from(signatureTokens).orderBy(signatureTokens.purpose).all();
    const DAY = 24 * 3_600_000;
    expect(stored).toEqual([
      expect.objectContaining({ purpose: "confirm", tokenHash: hashToken(tokens.confirm!), createdAt: sentAt, expiresAt: sentAt + CONFIRM_TOKEN_TTL_DAYS * DAY }),
      expect.objectContaining({ purpose: "manage", tokenHash: hashToken(tokens.manage!), createdAt: sentAt, expiresAt: sentAt + MANAGE_TOKEN_TTL_DAYS * DAY }),
      expect.objectContaining({ purpose: "withdraw", tokenHash: hashToken(tokens.withdraw!), createdAt: sentAt, expiresAt: sentAt + WITHDRAW_TOKEN_TTL_DAYS * DAY }),
    ]);
    // Every byte of the database: no link that works is in it.
    const image = db.$client.serialize().toString("latin1");
    for (const token of Object.values(tokens)) expect(image).not.toContain(token!.slice(9));
    // The confirm link's 7 days run from the sending.
    expect(getConfirmationState({ token: tokens.confirm!, db, now: sentAt + CONFIRM_TOKEN_TTL_DAYS * DAY - 1 })).toBe("ready");
  });

  it("sends an email queued before its links were made at send time with the links it holds, and makes none", async () => {
    const now = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "older@example.org", now });
    const links = { actionUrl: "http://app.test/en/confirm?token=old", withdrawUrl: "http://app.test/en/withdraw?token=old", expiresInDays: 7 };
    db.update(mailOutbox).set({ templateValues: JSON.stringify({ name: "Anna", ...links }) }).run();
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => now })).toMatchObject({ sent: 1 });
    expect(smtp.received[0]!.text).toContain(links.actionUrl);
    expect(db.select().from(signatureTokens).all()).toEqual([]);
  });

  it("gives up after the last attempt and marks the email failed", async () => {
    const start = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "never@example.org", now: start });
    db.update(mailOutbox).set({ attempts: MAX_SEND_ATTEMPTS - 1 }).run();
    smtp.control.refuse = true;
    await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start });
    expect(db.select().from(mailOutbox).get()).toMatchObject({
      status: "failed",
      attempts: MAX_SEND_ATTEMPTS,
      toAddress: "",
      textBody: "",
      templateValues: null,
      signatureId: null,
    });
  });

  it("gives up at once on a row whose template values do not make an email, sends nothing, and keeps none of it", async () => {
    const start = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "broken@example.org", now: start });
    await submitTestSignature(db, { name: "Boris", email: "fine@example.org", now: start });
    db.update(mailOutbox).set({ templateValues: '{"nom":"Anna"}' }).where(eq(mailOutbox.toAddress, "broken@example.org")).run();
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start })).toEqual({ sent: 1, failed: 1, claimed: 2 });
    expect(smtp.received.map((mail) => mail.to[0])).toEqual(["fine@example.org"]);
    const rows = db.select().from(mailOutbox).orderBy(mailOutbox.id).all();
    expect(rows[0]).toMatchObject({ status: "failed", attempts: 1, lastError: "UnrenderableEmailError", toAddress: "", templateValues: null, signatureId: null });
    expect(rows[1]).toMatchObject({ status: "sent" });
    expect(JSON.stringify(rows)).not.toContain("Anna");
    // Links were made for the email that was sent only.
    expect(db.select({ signatureId: signatureTokens.signatureId }).from(signatureTokens).all()).toEqual(Array(3).fill({ signatureId: 2 }));
  });

  it("does not send an email another sender has claimed", async () => {
    const now = Date.now();
    await submitTestSignature(db, { name: "Anna", email: "claimed@example.org", now: now });
    db.update(mailOutbox).set({ lockedUntil: now + 60_000 }).run();
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => now })).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it("keeps every email through an SMTP outage and delivers each exactly once when the server returns", async () => {
    const start = Date.now();
    const count = 30;
    for (let i = 0; i < count; i += 1) await submitTestSignature(db, { name: "Anna", email: `outage${i}@example.org`, now: start });
    const port = await findFreePort();
    // Pooled, as in production (startOutboxSender).
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, pool: true, maxConnections: 8 });
    try {
      expect(await deliverDueEmails({ transport, from: "x@app.test", db, now: () => start })).toEqual({ sent: 0, failed: count, claimed: count });
      // No email reached the server, so none of the links made for them is kept (decision 0029).
      expect(db.select().from(signatureTokens).all()).toEqual([]);
      const waiting = db.select().from(mailOutbox).all();
      expect(waiting).toHaveLength(count);
      for (const row of waiting) {
        expect(row).toMatchObject({ status: "queued", attempts: 1, lockedUntil: null });
        expect(row.nextAttemptAt).toBeGreaterThan(start);
        expect(row.lastError).toBeTruthy();
        expect(row.lastError).not.toContain("@");
      }

      const revived = await startSmtpServer(port);
      try {
        const later = Math.max(...waiting.map((row) => row.nextAttemptAt)) + 1;
        let rounds = 0;
        while ((await deliverDueEmails({ transport, from: "x@app.test", db, now: () => later, batchSize: 8 })).claimed > 0) rounds += 1;
        expect(rounds).toBeGreaterThan(1);
        const rows = db.select().from(mailOutbox).all();
        expect(rows.every((row) => row.status === "sent" && row.attempts === 2 && row.lastError === null)).toBe(true);
        const receivedIds = revived.received.map((mail) => mail.messageId);
        expect(new Set(receivedIds).size).toBe(receivedIds.length);
        expect(receivedIds.sort()).toEqual(rows.map((row) => row.messageId).sort());
        expect(db.select().from(signatureTokens).all()).toHaveLength(3 * count);
      } finally {
        // The pool keeps its connections open; the server closes only once they are gone.
        transport.close();
        revived.transport.close();
        await revived.close();
      }
    } finally {
      transport.close();
    }
  });

  it("sends nothing to a signer who withdrew after the claim, and keeps no link made for them", async () => {
    const now = Date.now();
    // One more than the sends in flight at once, so the last one starts after the first has ended.
    for (let i = 0; i < 17; i += 1) await submitTestSignature(db, { name: "Anna", email: `claimed${i}@example.org`, now });
    const sentTo: string[] = [];
    const transport: MailTransport = {
      async sendMail(message) {
        if (sentTo.length === 0) erasePersonalData({ actor: SYSTEM, email: "claimed16@example.org", db, now });
        sentTo.push(message.to);
      },
    };
    expect(await deliverDueEmails({ transport, from: "x@app.test", db, now: () => now })).toEqual({ sent: 16, failed: 0, claimed: 17 });
    expect(sentTo).not.toContain("claimed16@example.org");
    expect(sentTo).toHaveLength(16);
    expect(db.select().from(signatureTokens).all()).toHaveLength(16 * 3);
  });

  it("sends several emails at once and marks them all sent", async () => {
    const now = Date.now();
    for (let i = 0; i < 40; i += 1) await submitTestSignature(db, { name: "Anna", email: `many${i}@example.org`, now: now });
    const { stats, transport } = createSlowTransport(20);
    expect(await deliverDueEmails({ transport, from: "x@app.test", db, now: () => now })).toEqual({ sent: 40, failed: 0, claimed: 40 });
    expect(stats.maxInFlight).toBeGreaterThan(1);
    expect(db.select().from(mailOutbox).all().every((row) => row.status === "sent" && row.attempts === 1)).toBe(true);
  });

  it("never gives the same email to two senders running at once", async () => {
    const now = Date.now();
    const count = 30;
    for (let i = 0; i < count; i += 1) await submitTestSignature(db, { name: "Anna", email: `twice${i}@example.org`, now: now });
    const { stats, transport } = createSlowTransport(5);
    const drain = async () => {
      let sent = 0;
      let claimedFirst: number | undefined;
      for (;;) {
        const result = await deliverDueEmails({ transport, from: "x@app.test", db, now: () => now, batchSize: 7 });
        claimedFirst ??= result.claimed;
        if (result.claimed === 0) return { sent, claimedFirst };
        sent += result.sent;
      }
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a.claimedFirst).toBeGreaterThan(0);
    expect(b.claimedFirst).toBeGreaterThan(0);
    expect(a.sent + b.sent).toBe(count);
    expect(new Set(stats.messageIds).size).toBe(count);
    expect(stats.messageIds).toHaveLength(count);
  });

  it("starts no send once the claim is half gone, and leaves the rest for the next pass", async () => {
    const start = Date.now();
    for (let i = 0; i < 5; i += 1) await submitTestSignature(db, { name: "Anna", email: `late${i}@example.org`, now: start });
    let clock = start;
    const transport: MailTransport = {
      async sendMail() {
        // The first send takes as long as the whole send window.
        clock = start + 60_000;
      },
    };
    expect(await deliverDueEmails({ transport, from: "x@app.test", db, now: () => clock })).toEqual({ sent: 1, failed: 0, claimed: 5 });
    const rows = db.select().from(mailOutbox).all();
    expect(rows.filter((row) => row.status === "sent")).toHaveLength(1);
    expect(rows.filter((row) => row.status === "queued" && row.attempts === 0 && row.lockedUntil === null)).toHaveLength(4);
    // The links the claim made for the four that did not leave are gone: only the sent email's three remain.
    expect(db.select().from(signatureTokens).all()).toHaveLength(3);
  });
});

describe("retryDelayMs", () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [5, 80_000],
    [20, 3_600_000],
  ])("attempt %i waits about %i ms", (attempts, expected) => {
    expect(retryDelayMs(attempts, () => 0.5)).toBe(expected);
    expect(retryDelayMs(attempts, () => 0)).toBe(Math.round(expected * 0.8));
    expect(retryDelayMs(attempts, () => 1)).toBe(Math.round(expected * 1.2));
  });
});
