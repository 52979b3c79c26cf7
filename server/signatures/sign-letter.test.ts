import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailOutbox, signatures, signatureTokens, statCounters, type CounterScope } from "@/db/schema";
import { parseSignLetter, type SignLetterData } from "@/lib/schemas/sign-letter";
import { MAX_EMAILS_PER_ADDRESS_PER_DAY } from "@/server/mail/enqueue-email";
import { hashToken } from "@/server/security/tokens";
import { getStats, listDailyTotals } from "@/server/stats/get-stats";
import { createTestDatabase } from "@/test/database";
import { confirmSignature, getConfirmationState, submitConfirmation } from "./confirm-signature";
import { listPublicSigners } from "./list-public-signers";
import { CONFIRM_TOKEN_TTL_DAYS, MANAGE_TOKEN_TTL_DAYS, signLetter } from "./sign-letter";
import { WITHDRAW_TOKEN_TTL_DAYS } from "./withdraw-signature";
import { forbidRealClock } from "@/test/clock";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-21T10:00:00Z");

function signature(overrides: Record<string, unknown> = {}): SignLetterData {
  const result = parseSignLetter({ name: "Anna Petrova", email: "anna@example.org", country: "DE", acceptPrivacy: "on", ...overrides });
  if (!result.success) throw new Error(`bad fixture: ${JSON.stringify(result.errors)}`);
  return result.data;
}

function emailsTo(db: AppDatabase, address: string) {
  return db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, address)).orderBy(mailOutbox.id).all();
}

function confirmTokenFrom(text: string): string {
  const match = /\/confirm\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error("no confirmation link in the email");
  return match[1]!;
}

function counter(db: AppDatabase, scope: CounterScope, key: string): number {
  return db.select().from(statCounters).all().find((row) => row.scope === scope && row.key === key)?.count ?? 0;
}

describe("signing, confirming and counting", () => {
  forbidRealClock();
  let db: AppDatabase;
  let close: () => void;

  beforeEach(() => {
    ({ db, close } = createTestDatabase());
  });
  afterEach(() => close());

  it("records a pending signature with its confirmation email in one go, and counts nothing yet", () => {
    expect(signLetter({ data: signature(), locale: "en", db, now: T0 })).toEqual({ status: "pending" });

    const rows = db.select().from(signatures).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "pending", emailKey: "anna@example.org", isPublicName: false, locale: "en", verifiedAt: null });
    expect(rows[0]!.refCode).toMatch(/^[a-z2-9]{10}$/);

    const [email] = emailsTo(db, "anna@example.org");
    expect(email).toMatchObject({ kind: "confirm", status: "queued", locale: "en", subject: "Please confirm your email address" });
    expect(email!.textBody).toContain("http://app.test/en/confirm?token=");
    expect(email!.subject).not.toMatch(/prisoner|letter/i);

    // Only the token's hash is stored.
    const token = confirmTokenFrom(email!.textBody);
    const stored = db.select().from(signatureTokens).all();
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

  it("confirming verifies the signature and moves total, country and day counters together", () => {
    signLetter({ data: signature({ isPublicName: "on" }), locale: "en", db, now: T0 });
    const token = confirmTokenFrom(emailsTo(db, "anna@example.org")[0]!.textBody);

    expect(getConfirmationState({ token, db, now: T0 + 1000 })).toBe("ready");
    expect(getStats({ db, now: T0 }).total).toBe(0); // looking is not confirming

    expect(confirmSignature({ token, db, now: T0 + 2000 })).toBe("ready");
    expect(db.select().from(signatures).get()).toMatchObject({ status: "verified", verifiedAt: T0 + 2000 });
    expect(getStats({ db, now: T0 })).toMatchObject({ total: 1, countries: { DE: 1 } });
    expect(listDailyTotals({ db })).toEqual([{ day: "2026-11-21", count: 1 }]);
    expect(listPublicSigners({ db }).signers).toEqual([{ id: 1, name: "Anna Petrova", country: "DE", verifiedAt: T0 + 2000 }]);
    expect([counter(db, "status", "pending"), counter(db, "status", "verified")]).toEqual([0, 1]);
  });

  it("confirming twice is harmless", () => {
    signLetter({ data: signature(), db, now: T0 });
    const token = confirmTokenFrom(emailsTo(db, "anna@example.org")[0]!.textBody);
    confirmSignature({ token, db, now: T0 + 1 });
    expect(confirmSignature({ token, db, now: T0 + 2 })).toBe("alreadyConfirmed");
    expect(getConfirmationState({ token, db, now: T0 + 3 })).toBe("alreadyConfirmed");
    expect(counter(db, "total", "")).toBe(1);
    expect(counter(db, "country", "DE")).toBe(1);
  });

  it("the confirmation button's group-committed path: 50 presses at once count once, bad tokens fail alone", async () => {
    for (const email of ["a@example.org", "b@example.org"]) signLetter({ data: signature({ email }), db, now: T0 });
    const tokenA = confirmTokenFrom(emailsTo(db, "a@example.org")[0]!.textBody);
    const tokenB = confirmTokenFrom(emailsTo(db, "b@example.org")[0]!.textBody);
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 50 }, () => submitConfirmation({ token: tokenA, db, now: T0 + 1 })),
      submitConfirmation({ token: "no-such-token-000000000000", db, now: T0 + 1 }),
      submitConfirmation({ token: tokenB, db, now: T0 + 1 }),
    ]);
    const values = outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : (outcome.reason as { code: string }).code));
    expect(values.slice(0, 50).filter((value) => value === "ready")).toHaveLength(1);
    expect(values.slice(0, 50).filter((value) => value === "alreadyConfirmed")).toHaveLength(49);
    expect(values.slice(50)).toEqual(["NOT_FOUND", "ready"]);
    expect(counter(db, "total", "")).toBe(2);
    expect(counter(db, "status", "verified")).toBe(2);
    expect(counter(db, "status", "pending")).toBe(0);
  });

  it("refuses unknown, malformed and expired tokens with a typed error", () => {
    signLetter({ data: signature(), db, now: T0 });
    const token = confirmTokenFrom(emailsTo(db, "anna@example.org")[0]!.textBody);
    for (const bad of ["", "x", "a".repeat(43), "../../etc/passwd", "'; drop table signatures; --", "ü".repeat(50)]) {
      expect(() => confirmSignature({ token: bad, db, now: T0 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    }
    const late = T0 + CONFIRM_TOKEN_TTL_DAYS * DAY + 1;
    expect(() => getConfirmationState({ token, db, now: late })).toThrow(expect.objectContaining({ code: "EXPIRED" }));
    expect(() => confirmSignature({ token, db, now: late })).toThrow(expect.objectContaining({ code: "EXPIRED" }));
    expect(getStats({ db, now: T0 }).total).toBe(0);
  });

  it("one signature per mailbox: spellings of the same address make one row and send the confirmation again", () => {
    for (const email of ["A.B@gmail.com", "ab+petition@googlemail.com", " AB@GMAIL.COM "]) {
      expect(signLetter({ data: signature({ email }), db, now: T0 })).toEqual({ status: "pending" });
    }
    expect(db.select().from(signatures).all()).toHaveLength(1);
    expect(counter(db, "status", "pending")).toBe(1);
    const emails = emailsTo(db, "A.B@gmail.com");
    expect(emails.map((email) => email.kind)).toEqual(["confirm", "confirm", "confirm"]);

    // Every link it was sent confirms the same, single signature.
    const tokens = emails.map((email) => confirmTokenFrom(email.textBody));
    expect(confirmSignature({ token: tokens[2]!, db, now: T0 + 1 })).toBe("ready");
    expect(confirmSignature({ token: tokens[0]!, db, now: T0 + 2 })).toBe("alreadyConfirmed");
    expect(getStats({ db, now: T0 }).total).toBe(1);
  });

  it("a second submission cannot change the first one's details or where its mail goes", () => {
    signLetter({ data: signature({ name: "Anna", email: "anna@example.org" }), locale: "ru", db, now: T0 });
    signLetter({ data: signature({ name: "Mallory", email: "ANNA@example.org", country: "RU", locale: "en" }), db, now: T0 + 1 });
    const row = db.select().from(signatures).get();
    expect(row).toMatchObject({ name: "Anna", email: "anna@example.org", country: "DE", locale: "ru" });
    const emails = db.select().from(mailOutbox).all();
    expect(emails.map((email) => [email.toAddress, email.locale])).toEqual([
      ["anna@example.org", "ru"],
      ["anna@example.org", "ru"],
    ]);
    expect(emails[1]!.subject).toBe("Подтвердите адрес электронной почты");
  });

  it("a verified signer who signs again gets an 'already signed' email and is not counted twice", () => {
    signLetter({ data: signature(), db, now: T0 });
    confirmSignature({ token: confirmTokenFrom(emailsTo(db, "anna@example.org")[0]!.textBody), db, now: T0 + 1 });
    expect(signLetter({ data: signature({ email: "Anna@Example.org" }), db, now: T0 + 2 })).toEqual({ status: "pending" });
    const emails = emailsTo(db, "anna@example.org");
    expect(emails.map((email) => email.kind)).toEqual(["confirm", "alreadySigned"]);
    expect(emails[1]!.subject).toBe("You have already signed");
    // No confirmation or private-page link; only its own fresh withdrawal link, stored as a hash.
    expect(emails[1]!.textBody.replace(/\/en\/withdraw\?token=[A-Za-z0-9_-]+/, "")).not.toContain("token=");
    const withdrawToken = /\/en\/withdraw\?token=([A-Za-z0-9_-]+)/.exec(emails[1]!.textBody)![1]!;
    expect(db.select().from(signatureTokens).where(eq(signatureTokens.tokenHash, hashToken(withdrawToken))).get()).toMatchObject({ purpose: "withdraw" });
    expect(getStats({ db, now: T0 }).total).toBe(1);
  });

  it("sends at most a few emails per address per day, then resumes the next day", () => {
    for (let i = 0; i < 10; i += 1) signLetter({ data: signature(), db, now: T0 + i });
    expect(emailsTo(db, "anna@example.org")).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY);
    expect(db.select().from(signatureTokens).all().filter((row) => row.purpose === "confirm")).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY);
    signLetter({ data: signature(), db, now: T0 + DAY + 1 });
    expect(emailsTo(db, "anna@example.org")).toHaveLength(MAX_EMAILS_PER_ADDRESS_PER_DAY + 1);
  });

  it("counts per country and per day from verified signatures only", () => {
    const people = [
      { email: "a@example.org", country: "DE", at: T0 },
      { email: "b@example.org", country: "DE", at: T0 + DAY },
      { email: "c@example.org", country: "UA", at: T0 + DAY },
      { email: "d@example.org", country: "RU", at: T0 + DAY },
    ];
    for (const person of people) signLetter({ data: signature(person), db, now: person.at });
    for (const person of people.slice(0, 3)) {
      confirmSignature({ token: confirmTokenFrom(emailsTo(db, person.email)[0]!.textBody), db, now: person.at + 5 });
    }
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
  let close: () => void;
  beforeEach(() => {
    ({ db, close } = createTestDatabase());
  });
  afterEach(() => close());

  it("shows only verified signers who opted in, newest first, paged by keyset", () => {
    for (let i = 0; i < 7; i += 1) {
      const email = `p${i}@example.org`;
      signLetter({ data: signature({ email, name: `Person ${i}`, isPublicName: i === 3 ? undefined : "on" }), db, now: T0 + i });
      if (i !== 5) confirmSignature({ token: confirmTokenFrom(emailsTo(db, email)[0]!.textBody), db, now: T0 + 100 + i });
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
