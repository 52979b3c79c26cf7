import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { getCampaign } from "@/server/content/get-campaign";
import { MAX_EMAILS_PER_ADDRESS_PER_DAY } from "@/server/mail/enqueue-email";
import { renderSignatureEmailDirectly } from "@/server/mail/render-email";
import { hashToken } from "@/server/security/tokens";
import { getStats, listDailyTotals } from "@/server/stats/get-stats";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createPendingSigner, createVerifiedSigner, emailsTo, linkTokenFromOutbox, readCounter, submitTestSignature, withRenderedEmail } from "@/test/factories";
import { getConfirmationState, submitConfirmation } from "./confirm-signature";
import { listPublicSigners } from "./list-public-signers";
import { CONFIRM_TOKEN_TTL_DAYS, MANAGE_TOKEN_TTL_DAYS, WITHDRAW_TOKEN_TTL_DAYS } from "./issue-signer-links";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-21T10:00:00Z");

describe("signing, confirming and counting", () => {
  forbidRealClock();
  let db: AppDatabase;

  setUpTestDatabase((opened) => ({ db } = opened));

  it("records a pending signature with its confirmation email in one go, and counts nothing yet", async () => {
    expect(await submitTestSignature(db, { locale: "en", now: T0 })).toEqual({ outcome: "accepted" });

    const rows = db.select().from(signatures).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "pending", emailKey: "anna@example.org", isPublicName: false, locale: "en", verifiedAt: null });
    expect(rows[0]!.refCode).toMatch(/^[a-z2-9]{10}$/);
    // The links are made when the email is sent (decision 0029): none waits in the outbox.
    expect(db.select().from(signatureTokens).all()).toEqual([]);
    expect(JSON.parse(db.select().from(mailOutbox).get()!.templateValues!)).toEqual({ name: "Anna Petrova" });

    // As the sender will send it, with its links made at T0.
    const [email] = emailsTo(db, "anna@example.org");
    expect(email).toMatchObject({ kind: "confirm", status: "queued", locale: "en", subject: "Please confirm your email address" });
    expect(email!.textBody).toContain("http://app.test/en/confirm?token=");
    expect(email!.subject).not.toMatch(/prisoner|letter/i);

    // Only the token's hash is stored.
    const token = linkTokenFromOutbox(db, "anna@example.org", "confirm");
    const stored = db.select().from(signatureTokens).orderBy(signatureTokens.purpose).all();
    const manageToken = /\/en\/my\?token=([A-Za-z0-9_-]+)/.exec(email!.textBody)![1]!;
    const withdrawToken = /http:\/\/app\.test\/en\/withdraw\?token=([A-Za-z0-9_-]+)/.exec(email!.textBody)![1]!;
    expect(stored).toEqual([
      expect.objectContaining({ tokenHash: hashToken(token), purpose: "confirm", expiresAt: T0 + CONFIRM_TOKEN_TTL_DAYS * DAY }),
      expect.objectContaining({ tokenHash: hashToken(manageToken), purpose: "manage", expiresAt: T0 + MANAGE_TOKEN_TTL_DAYS * DAY }),
      expect.objectContaining({ tokenHash: hashToken(withdrawToken), purpose: "withdraw", expiresAt: T0 + WITHDRAW_TOKEN_TTL_DAYS * DAY }),
    ]);
    expect(JSON.stringify(db.$client.prepare("select * from signature_tokens").all())).not.toContain(token);
    expect(JSON.stringify(db.$client.prepare("select * from signature_tokens").all())).not.toContain(manageToken);
    expect(JSON.stringify(db.$client.prepare("select * from signature_tokens").all())).not.toContain(withdrawToken);
    // The email ends with the withdrawal link, in text and in HTML.
    expect(email!.textBody.trimEnd().endsWith(`/en/withdraw?token=${withdrawToken}`)).toBe(true);
    expect(email!.htmlBody).toContain(`href="http://app.test/en/withdraw?token=${withdrawToken}"`);

    expect(getStats({ db, now: T0 }).total).toBe(0);
  });

  it("confirming verifies the signature and moves total, country and day counters together", async () => {
    await submitTestSignature(db, { isPublicName: "on", locale: "en", now: T0 });
    const token = linkTokenFromOutbox(db, "anna@example.org", "confirm");

    expect(getConfirmationState({ token, db, now: T0 + 1000 })).toBe("ready");
    expect(getStats({ db, now: T0 }).total).toBe(0); // looking is not confirming

    expect(await submitConfirmation({ token, db, now: T0 + 2000 })).toBe("ready");
    expect(db.select().from(signatures).get()).toMatchObject({ status: "verified", verifiedAt: T0 + 2000 });
    expect(getStats({ db, now: T0 })).toMatchObject({ total: 1, countries: { DE: 1 } });
    expect(listDailyTotals({ db })).toEqual([{ day: "2026-11-21", count: 1 }]);
    expect(listPublicSigners({ db }).signers).toEqual([{ id: 1, name: "Anna Petrova", country: "DE", verifiedAt: T0 + 2000 }]);
    expect([readCounter(db, "status", "pending"), readCounter(db, "status", "verified")]).toEqual([0, 1]);
  });

  it("confirming twice is harmless", async () => {
    await submitTestSignature(db, { now: T0 });
    const token = linkTokenFromOutbox(db, "anna@example.org", "confirm");
    await submitConfirmation({ token, db, now: T0 + 1 });
    expect(await submitConfirmation({ token, db, now: T0 + 2 })).toBe("alreadyConfirmed");
    expect(getConfirmationState({ token, db, now: T0 + 3 })).toBe("alreadyConfirmed");
    expect(readCounter(db, "total", "")).toBe(1);
    expect(readCounter(db, "country", "DE")).toBe(1);
  });

  it("the confirmation button's group-committed path: 50 presses at once count once, bad tokens fail alone", async () => {
    for (const email of ["a@example.org", "b@example.org"]) await submitTestSignature(db, { email, now: T0 });
    const tokenA = linkTokenFromOutbox(db, "a@example.org", "confirm");
    const tokenB = linkTokenFromOutbox(db, "b@example.org", "confirm");
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 50 }, () => submitConfirmation({ token: tokenA, db, now: T0 + 1 })),
      submitConfirmation({ token: "no-such-token-000000000000", db, now: T0 + 1 }),
      submitConfirmation({ token: tokenB, db, now: T0 + 1 }),
    ]);
    const values = outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : (outcome.reason as { code: string }).code));
    expect(values.slice(0, 50).filter((value) => value === "ready")).toHaveLength(1);
    expect(values.slice(0, 50).filter((value) => value === "alreadyConfirmed")).toHaveLength(49);
    expect(values.slice(50)).toEqual(["NOT_FOUND", "ready"]);
    expect(readCounter(db, "total", "")).toBe(2);
    expect(readCounter(db, "status", "verified")).toBe(2);
    expect(readCounter(db, "status", "pending")).toBe(0);
  });

  it("refuses unknown, malformed and expired tokens with a typed error", async () => {
    await submitTestSignature(db, { now: T0 });
    const token = linkTokenFromOutbox(db, "anna@example.org", "confirm");
    for (const bad of ["", "x", "a".repeat(43), "../../etc/passwd", "'; drop table signatures; --", "ü".repeat(50)]) {
      await expect(submitConfirmation({ token: bad, db, now: T0 })).rejects.toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    }
    const late = T0 + CONFIRM_TOKEN_TTL_DAYS * DAY + 1;
    expect(() => getConfirmationState({ token, db, now: late })).toThrow(expect.objectContaining({ code: "EXPIRED" }));
    await expect(submitConfirmation({ token, db, now: late })).rejects.toThrow(expect.objectContaining({ code: "EXPIRED" }));
    expect(getStats({ db, now: T0 }).total).toBe(0);
  });

  it("one signature per mailbox: spellings of the same address make one row and send the confirmation again", async () => {
    for (const email of ["A.B@gmail.com", "ab+petition@googlemail.com", " AB@GMAIL.COM "]) {
      expect(await submitTestSignature(db, { email, now: T0 })).toEqual({ outcome: "accepted" });
    }
    expect(db.select().from(signatures).all()).toHaveLength(1);
    expect(readCounter(db, "status", "pending")).toBe(1);
    const emails = emailsTo(db, "A.B@gmail.com");
    expect(emails.map((email) => email.kind)).toEqual(["confirm", "confirm", "confirm"]);

    // Every link it was sent confirms the same, single signature.
    const tokens = emails.map((_email, nth) => linkTokenFromOutbox(db, "A.B@gmail.com", "confirm", { nth }));
    expect(await submitConfirmation({ token: tokens[2]!, db, now: T0 + 1 })).toBe("ready");
    expect(await submitConfirmation({ token: tokens[0]!, db, now: T0 + 2 })).toBe("alreadyConfirmed");
    expect(getStats({ db, now: T0 }).total).toBe(1);
  });

  it("a second submission cannot change the first one's details or where its mail goes", async () => {
    await submitTestSignature(db, { name: "Anna", email: "anna@example.org", locale: "ru", now: T0 });
    await submitTestSignature(db, { name: "Mallory", email: "ANNA@example.org", country: "RU", locale: "en", now: T0 + 1 });
    const row = db.select().from(signatures).get();
    expect(row).toMatchObject({ name: "Anna", email: "anna@example.org", country: "DE", locale: "ru" });
    const emails = db.select().from(mailOutbox).all().map((row) => withRenderedEmail(db, row));
    expect(emails.map((email) => [email.toAddress, email.locale])).toEqual([
      ["anna@example.org", "ru"],
      ["anna@example.org", "ru"],
    ]);
    expect(emails[1]!.subject).toBe("Подтвердите адрес электронной почты");
  });

  it("queues the email as the signer's name alone, rendered when sent exactly as rendering it directly", async () => {
    await submitTestSignature(db, { name: "Ганна <O'Neil> & Co", email: "values@example.org", locale: "uk", now: T0 });
    const row = db.select().from(mailOutbox).get()!;
    // No rendered subject or body on the sign path (decision 0026).
    expect(row).toMatchObject({ kind: "confirm", locale: "uk", subject: "", textBody: "", htmlBody: "" });
    expect(JSON.parse(row.templateValues!)).toEqual({ name: "Ганна <O'Neil> & Co" });
    const [email] = emailsTo(db, "values@example.org");
    const direct = renderSignatureEmailDirectly({
      kind: "confirm",
      locale: "uk",
      name: "Ганна <O'Neil> & Co",
      actionUrl: `http://app.test/uk/confirm?token=${linkTokenFromOutbox(db, "values@example.org", "confirm")}`,
      manageUrl: `http://app.test/uk/my?token=${linkTokenFromOutbox(db, "values@example.org", "my")}`,
      withdrawUrl: `http://app.test/uk/withdraw?token=${linkTokenFromOutbox(db, "values@example.org", "withdraw")}`,
      campaignTitle: getCampaign("uk").title,
      expiresInDays: CONFIRM_TOKEN_TTL_DAYS,
    });
    expect({ subject: email!.subject, text: email!.textBody, html: email!.htmlBody }).toEqual(direct);
    expect(direct.html).toContain("Ганна &lt;O&#39;Neil&gt; &amp; Co");
  });

  it("a made-up or expired confirmation link is refused as an answer, not a throw: its group-commit batch runs once", async () => {
    await submitTestSignature(db, { email: "late@example.org", now: T0 });
    await submitTestSignature(db, { email: "ontime@example.org", now: T0 + 7 * DAY });
    const expired = linkTokenFromOutbox(db, "late@example.org", "confirm");
    const valid = linkTokenFromOutbox(db, "ontime@example.org", "confirm");
    const transactions = vi.spyOn(db, "transaction");
    const later = T0 + 7 * DAY + 1;
    const outcomes = await Promise.allSettled([
      submitConfirmation({ token: "x".repeat(52), db, now: later }),
      submitConfirmation({ token: expired, db, now: later }),
      submitConfirmation({ token: valid, db, now: later }),
    ]);
    expect(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : (outcome.reason as { code?: string }).code))).toEqual([
      "NOT_FOUND",
      "EXPIRED",
      "ready",
    ]);
    // One transaction for the three: a refusal does not make the batch run again piece by piece (decision 0027).
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(getStats({ db, now: later }).total).toBe(1);
  });

  it("a verified signer who signs again gets an 'already signed' email and is not counted twice", async () => {
    await submitTestSignature(db, { now: T0 });
    await submitConfirmation({ token: linkTokenFromOutbox(db, "anna@example.org", "confirm"), db, now: T0 + 1 });
    expect(await submitTestSignature(db, { email: "Anna@Example.org", now: T0 + 2 })).toEqual({ outcome: "accepted" });
    const emails = emailsTo(db, "anna@example.org");
    expect(emails.map((email) => email.kind)).toEqual(["confirm", "alreadySigned"]);
    expect(emails[1]!.subject).toBe("You have already signed");
    // No confirmation or private-page link; only its own fresh withdrawal link, stored as a hash.
    expect(emails[1]!.textBody.replace(/\/en\/withdraw\?token=[A-Za-z0-9_-]+/, "")).not.toContain("token=");
    const withdrawToken = /\/en\/withdraw\?token=([A-Za-z0-9_-]+)/.exec(emails[1]!.textBody)![1]!;
    expect(db.select().from(signatureTokens).where(eq(signatureTokens.tokenHash, hashToken(withdrawToken))).get()).toMatchObject({ purpose: "withdraw" });
    expect(getStats({ db, now: T0 }).total).toBe(1);
  });

  it("sends at most a few emails per address per day, then resumes the next day", async () => {
    for (let i = 0; i < 10; i += 1) await submitTestSignature(db, { now: T0 + i });
    expect(emailsTo(db, "anna@example.org")).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY);
    expect(db.select().from(signatureTokens).all().filter((row) => row.purpose === "confirm")).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY);
    await submitTestSignature(db, { now: T0 + DAY + 1 });
    expect(emailsTo(db, "anna@example.org")).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY + 1);
  });

  it("counts per country and per day from verified signatures only", async () => {
    const people = [
      { email: "a@example.org", country: "DE", at: T0 },
      { email: "b@example.org", country: "DE", at: T0 + DAY },
      { email: "c@example.org", country: "UA", at: T0 + DAY },
      { email: "d@example.org", country: "RU", at: T0 + DAY },
    ];
    for (const person of people) await submitTestSignature(db, { email: person.email, country: person.country, now: person.at });
    for (const person of people.slice(0, 3)) await submitConfirmation({ token: linkTokenFromOutbox(db, person.email, "confirm"), db, now: person.at + 5 });
    expect(getStats({ db, now: T0 })).toMatchObject({ total: 3, countries: { DE: 2, UA: 1 } });
    expect(listDailyTotals({ db })).toEqual([
      { day: "2026-11-21", count: 1 },
      { day: "2026-11-22", count: 2 },
    ]);
    // The counters agree with a full recount.
    const recount = db.$client.prepare("select country, count(*) as n from signatures where status = 'verified' group by country").all();
    expect(Object.fromEntries((recount as { country: string; n: number }[]).map((r) => [r.country, r.n]))).toEqual(getStats({ db, now: T0 }).countries);
  });
});

describe("the public list of signers", () => {
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  it("shows only verified signers who opted in, newest first, paged by keyset", async () => {
    for (let i = 0; i < 7; i += 1) {
      const signer = { email: `p${i}@example.org`, name: `Person ${i}`, isPublicName: i === 3 ? undefined : "on", now: T0 + i };
      if (i === 5) await createPendingSigner(db, signer);
      else await createVerifiedSigner(db, { ...signer, confirmAt: T0 + 100 + i });
    }
    const first = listPublicSigners({ db, limit: 2 });
    expect(first.signers.map((s) => s.name)).toEqual(["Person 6", "Person 4"]);
    const second = listPublicSigners({ db, limit: 2, cursor: first.nextCursor });
    expect(second.signers.map((s) => s.name)).toEqual(["Person 2", "Person 1"]);
    const third = listPublicSigners({ db, limit: 2, cursor: second.nextCursor });
    expect(third.signers.map((s) => s.name)).toEqual(["Person 0"]);
    expect(third.nextCursor).toBeUndefined();
    expect(Object.keys(first.signers[0]!).sort()).toEqual(["country", "id", "name", "verifiedAt"]);
  });

  it("treats a malformed cursor as the first page", () => {
    expect(listPublicSigners({ db, cursor: "1 OR 1=1" }).signers).toEqual([]);
  });
});
