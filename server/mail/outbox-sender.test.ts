import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailOutbox } from "@/db/schema";
import { parseSignLetter } from "@/lib/schemas/sign-letter";
import { signLetter } from "@/server/signatures/sign-letter";
import { createTestDatabase } from "@/test/database";
import { deliverDueEmails, MAX_SEND_ATTEMPTS, retryDelayMs } from "./outbox-sender";

type Received = { to: string[]; subject: string; text: string; messageId: string };

/** A real SMTP server on loopback that can be told to refuse mail for a while. */
async function startSmtpServer() {
  const received: Received[] = [];
  const control = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  return { received, control, transport, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function sign(db: AppDatabase, email: string, now: number) {
  const parsed = parseSignLetter({ name: "Anna", email, country: "DE", acceptPrivacy: true });
  if (!parsed.success) throw new Error("bad fixture");
  signLetter({ data: parsed.data, db, now });
}

describe("the outbox sender", () => {
  let db: AppDatabase;
  let close: () => void;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeEach(async () => {
    ({ db, close } = createTestDatabase());
    smtp = await startSmtpServer();
  });
  afterEach(async () => {
    smtp.transport.close();
    await smtp.close();
    close();
  });

  it("delivers queued emails over SMTP with their stable Message-ID and marks them sent", async () => {
    const now = Date.now();
    sign(db, "one@example.org", now);
    sign(db, "two@example.org", now);
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

  it("keeps emails while the SMTP server refuses them, retries with backoff, and delivers when it recovers", async () => {
    const start = Date.now();
    sign(db, "wait@example.org", start);
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

  it("gives up after the last attempt and marks the email failed", async () => {
    const start = Date.now();
    sign(db, "never@example.org", start);
    db.update(mailOutbox).set({ attempts: MAX_SEND_ATTEMPTS - 1 }).run();
    smtp.control.refuse = true;
    await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => start });
    expect(db.select().from(mailOutbox).get()).toMatchObject({ status: "failed", attempts: MAX_SEND_ATTEMPTS });
  });

  it("does not send an email another sender has claimed", async () => {
    const now = Date.now();
    sign(db, "claimed@example.org", now);
    db.update(mailOutbox).set({ lockedUntil: now + 60_000 }).run();
    expect(await deliverDueEmails({ transport: smtp.transport, from: "x@app.test", db, now: () => now })).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(0);
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
