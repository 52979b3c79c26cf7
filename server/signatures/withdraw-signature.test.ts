import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog, mailOutbox, signatures, signatureTokens, statCounters, type CounterScope } from "@/db/schema";
import { parseSignLetter } from "@/lib/schemas/sign-letter";
import { SYSTEM } from "@/server/auth/actor";
import { recordAudit } from "@/server/audit/record-audit";
import { SENT_EMAIL_BLANKS } from "@/server/mail/outbox-sender";
import { hashRecipient } from "@/server/privacy/daily-hash-keys";
import { invalidateSignature } from "@/server/moderation/invalidate-signature";
import { getStats } from "@/server/stats/get-stats";
import { createTestDatabase } from "@/test/database";
import { confirmSignature } from "./confirm-signature";
import { listPublicSigners } from "./list-public-signers";
import { signLetter } from "./sign-letter";
import { getWithdrawalState, withdrawSignature, WITHDRAWING_PURPOSES } from "./withdraw-signature";
import { forbidRealClock } from "@/test/clock";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-21T10:00:00Z");

function sign(db: AppDatabase, fields: Record<string, unknown>, now: number) {
  const result = parseSignLetter({ name: "Anna Petrova", email: "anna@example.org", country: "DE", acceptPrivacy: "on", ...fields });
  if (!result.success) throw new Error(`bad fixture: ${JSON.stringify(result.errors)}`);
  signLetter({ data: result.data, locale: "en", db, now });
}

function linkToken(db: AppDatabase, address: string, path: "confirm" | "my" | "withdraw", nth = 0): string {
  const emails = emailsTo(db, address);
  const match = new RegExp(`/${path}\\?token=([A-Za-z0-9_-]+)`).exec(emails[nth]?.textBody ?? "");
  if (!match) throw new Error(`no ${path} link in email ${nth} to ${address}`);
  return match[1]!;
}

/** The emails in the outbox addressed to `address` (as typed, any case). */
function emailsTo(db: AppDatabase, address: string) {
  return db.select().from(mailOutbox).orderBy(mailOutbox.id).all().filter((email) => email.toAddress.toLowerCase() === address.toLowerCase());
}

function counters(db: AppDatabase): Record<string, number> {
  return Object.fromEntries(
    db
      .select()
      .from(statCounters)
      .all()
      .filter((row) => row.count !== 0)
      .map((row) => [`${row.scope}:${row.key}`, row.count]),
  );
}

/** Every counter computed again from the rows, as the stored counters must be. */
function recount(db: AppDatabase): Record<string, number> {
  const result: Record<string, number> = {};
  const add = (scope: CounterScope, key: string) => (result[`${scope}:${key}`] = (result[`${scope}:${key}`] ?? 0) + 1);
  for (const row of db.select().from(signatures).all()) {
    add("status", row.status);
    if (row.status !== "verified") continue;
    add("total", "");
    add("country", row.country);
    add("day", new Date(row.verifiedAt!).toISOString().slice(0, 10));
    if (row.referredBy) add("ref", row.referredBy);
    if (row.utmSource) add("utm", row.utmSource);
  }
  return result;
}

describe("withdrawing a signature", () => {
  forbidRealClock();
  let db: AppDatabase;
  let close: () => void;

  beforeEach(() => {
    ({ db, close } = createTestDatabase());
  });
  afterEach(() => close());

  /** A verified friend, and Anna who signed through the friend's link with a utm source and confirmed. */
  function twoVerifiedSigners() {
    sign(db, { name: "Friend", email: "friend@example.org", country: "FR" }, T0);
    confirmSignature({ token: linkToken(db, "friend@example.org", "confirm"), db, now: T0 + 1 });
    const friendCode = db.select().from(signatures).where(eq(signatures.emailKey, "friend@example.org")).get()!.refCode;
    sign(db, { city: "Berlin", isPublicName: "on", wantsUpdates: "on", ref: friendCode, utm_source: "newsletter", utm_campaign: "nov" }, T0 + DAY);
    confirmSignature({ token: linkToken(db, "anna@example.org", "confirm"), db, now: T0 + DAY + 1 });
    return { friendCode, anna: db.select().from(signatures).where(eq(signatures.emailKey, "anna@example.org")).get()! };
  }

  it("takes a verified signature out of every counter and erases its personal data, in one go", () => {
    const { friendCode, anna } = twoVerifiedSigners();
    // A second "already signed" email: every email to Anna must go.
    sign(db, {}, T0 + DAY + 2);
    const before = counters(db);
    expect(before).toMatchObject({ "total:": 2, "country:DE": 1, "day:2026-11-22": 1, [`ref:${friendCode}`]: 1, "utm:newsletter": 1, "status:verified": 2 });
    const token = linkToken(db, "anna@example.org", "withdraw");

    // Opening the link changes nothing.
    expect(getWithdrawalState({ token, db, now: T0 + 2 * DAY })).toBe("ready");
    expect(counters(db)).toEqual(before);

    withdrawSignature({ token, db, now: T0 + 2 * DAY });

    const after = counters(db);
    expect(after).toEqual({
      ...before,
      "total:": 1,
      "status:verified": 1,
      "status:withdrawn": 1,
      "country:DE": undefined,
      "day:2026-11-22": undefined,
      [`ref:${friendCode}`]: undefined,
      "utm:newsletter": undefined,
    });
    expect(after).toEqual(recount(db));
    expect(getStats({ db, now: T0 }).total).toBe(1);

    const row = db.select().from(signatures).where(eq(signatures.id, anna.id)).get()!;
    expect(row).toMatchObject({
      name: "",
      email: "",
      emailKey: `withdrawn:${anna.id}`,
      city: null,
      ipHash: null,
      utmSource: null,
      utmCampaign: null,
      isPublicName: false,
      wantsUpdates: false,
      status: "withdrawn",
      withdrawnAt: T0 + 2 * DAY,
      // Kept, so the counts by country and day stay consistent with their history.
      country: "DE",
      verifiedAt: anna.verifiedAt,
      createdAt: anna.createdAt,
      // The share link stops working: whoever knows whose it was could find the row by it.
      refCode: `withdrawn:${anna.id}`,
    });
    const stored = JSON.stringify(db.$client.prepare("select * from signatures where id = ?").get(anna.id));
    expect(stored).not.toMatch(/anna|Petrova|Berlin/i);

    expect(db.select().from(signatureTokens).where(eq(signatureTokens.signatureId, anna.id)).all()).toEqual([]);
    expect(emailsTo(db, "anna@example.org")).toEqual([]);
    expect(db.select().from(mailOutbox).where(eq(mailOutbox.signatureId, anna.id)).all()).toEqual([]);
    // Other people's mail and tokens are untouched.
    expect(emailsTo(db, "friend@example.org")).toHaveLength(1);
    expect(listPublicSigners({ db, limit: 10 }).signers.map((signer) => signer.name)).not.toContain("Anna Petrova");

    // The audit row says what happened to which row, and nothing about the person.
    const audit = db.select().from(auditLog).where(eq(auditLog.action, "signature.withdraw")).all();
    expect(audit).toEqual([expect.objectContaining({ targetType: "signature", targetId: String(anna.id), actorEmail: null })]);
    expect(JSON.stringify(db.$client.prepare("select * from audit_log").all())).not.toMatch(/anna|Petrova/i);
  });

  it("drops the IP hash from the signature's audit rows and stops its share link from attributing anyone", () => {
    const { anna } = twoVerifiedSigners();
    const flag = (id: number) =>
      recordAudit(db, {
        actor: { userId: null, email: null },
        action: "signature.suspicious",
        targetType: "signature",
        targetId: id,
        details: { ipHash: `hash-of-${id}`, domain: "example.org", reason: "ipSustained" },
        now: T0,
      });
    const friendId = db.select().from(signatures).where(eq(signatures.emailKey, "friend@example.org")).get()!.id;
    flag(anna.id);
    flag(friendId);
    withdrawSignature({ token: linkToken(db, "anna@example.org", "withdraw"), db, now: T0 + 2 * DAY });

    const details = (id: number) =>
      db.select({ details: auditLog.details }).from(auditLog).where(and(eq(auditLog.action, "signature.suspicious"), eq(auditLog.targetId, String(id)))).get()!.details;
    expect(JSON.parse(details(anna.id)!)).toEqual({ domain: "example.org", reason: "ipSustained" });
    expect(JSON.parse(details(friendId)!)).toMatchObject({ ipHash: `hash-of-${friendId}` });

    // Someone who follows Anna's old share link signs: counted, but attributed to nobody.
    sign(db, { name: "Late Reader", email: "late@example.org", ref: anna.refCode }, T0 + 3 * DAY);
    expect(db.select().from(signatures).where(eq(signatures.emailKey, "late@example.org")).get()!.referredBy).toBeNull();
  });

  it("blanks the recipient hash of emails already sent, so they cannot be tied to the address either", () => {
    twoVerifiedSigners();
    const withdrawLink = linkToken(db, "anna@example.org", "withdraw");
    // As the sender leaves them once delivered (server/mail/outbox-sender.ts).
    db.update(mailOutbox).set({ status: "sent", ...SENT_EMAIL_BLANKS }).run();
    const sentToAnna = db.select().from(mailOutbox).all().filter((row) => row.recipientKey === hashRecipient("anna@example.org", { db, now: T0 + DAY }));
    expect(sentToAnna).toHaveLength(1);
    withdrawSignature({ token: withdrawLink, db, now: T0 + 2 * DAY });
    expect(db.select().from(mailOutbox).where(eq(mailOutbox.id, sentToAnna[0]!.id)).get()).toMatchObject({ status: "sent", recipientKey: "" });
    // The friend's email keeps its hash (the friend's cap still counts).
    expect(db.select().from(mailOutbox).all().filter((row) => row.recipientKey !== "")).toHaveLength(1);
  });

  it("a second withdrawal with the same link is refused as an invalid link, and changes nothing", () => {
    twoVerifiedSigners();
    const token = linkToken(db, "anna@example.org", "withdraw");
    withdrawSignature({ token, db, now: T0 + 2 * DAY });
    const after = counters(db);
    expect(() => withdrawSignature({ token, db, now: T0 + 2 * DAY + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND", messageKey: "tokenInvalid" }));
    expect(() => getWithdrawalState({ token, db, now: T0 + 2 * DAY + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(counters(db)).toEqual(after);
  });

  it("lets the person sign again later with the same address", () => {
    twoVerifiedSigners();
    withdrawSignature({ token: linkToken(db, "anna@example.org", "withdraw"), db, now: T0 + 2 * DAY });
    sign(db, { email: "Anna@Example.org" }, T0 + 3 * DAY);
    expect(emailsTo(db, "anna@example.org").map((email) => email.kind)).toEqual(["confirm"]);
    confirmSignature({ token: linkToken(db, "anna@example.org", "confirm"), db, now: T0 + 3 * DAY + 1 });
    expect(getStats({ db, now: T0 }).total).toBe(2);
    expect(counters(db)).toEqual(recount(db));
  });

  it("a pending signature only moves its status counter", () => {
    sign(db, { city: "Berlin" }, T0);
    const token = linkToken(db, "anna@example.org", "withdraw");
    withdrawSignature({ token, db, now: T0 + 1 });
    expect(counters(db)).toEqual({ "status:withdrawn": 1 });
    expect(counters(db)).toEqual(recount(db));
    expect(db.select().from(signatures).get()).toMatchObject({ status: "withdrawn", name: "", email: "", city: null, verifiedAt: null });
    expect(db.select().from(signatureTokens).all()).toEqual([]);
    expect(db.select().from(mailOutbox).all()).toEqual([]);
  });

  it("an invalidated signature can be withdrawn too: erased, with no public counter change", () => {
    const { anna } = twoVerifiedSigners();
    invalidateSignature({ actor: SYSTEM, id: anna.id, reason: "duplicate person", db, now: T0 + 2 * DAY });
    const before = counters(db);
    withdrawSignature({ token: linkToken(db, "anna@example.org", "withdraw"), db, now: T0 + 3 * DAY });
    expect(counters(db)).toEqual({ ...before, "status:invalidated": undefined, "status:withdrawn": 1 });
    expect(counters(db)).toEqual(recount(db));
    expect(db.select().from(signatures).where(eq(signatures.id, anna.id)).get()).toMatchObject({ status: "withdrawn", name: "", email: "" });
  });

  it("the private page's link withdraws only where the caller allows it; a confirmation link never does", () => {
    twoVerifiedSigners();
    const manage = linkToken(db, "anna@example.org", "my");
    const confirm = linkToken(db, "anna@example.org", "confirm");
    expect(() => withdrawSignature({ token: manage, db, now: T0 + 2 * DAY })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => withdrawSignature({ token: confirm, db, now: T0 + 2 * DAY, purposes: WITHDRAWING_PURPOSES })).toThrow(
      expect.objectContaining({ code: "NOT_FOUND" }),
    );
    withdrawSignature({ token: manage, db, now: T0 + 2 * DAY, purposes: WITHDRAWING_PURPOSES });
    expect(getStats({ db, now: T0 }).total).toBe(1);
  });

  it("refuses unknown and malformed tokens with NOT_FOUND and expired ones with EXPIRED", () => {
    sign(db, {}, T0);
    for (const bad of ["", "short", "x".repeat(43), "../../etc/passwd", linkToken(db, "anna@example.org", "withdraw") + "x"]) {
      expect(() => withdrawSignature({ token: bad, db, now: T0 + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND", messageKey: "tokenInvalid" }));
      expect(() => getWithdrawalState({ token: bad, db, now: T0 + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    }
    const late = T0 + 366 * DAY;
    expect(() => withdrawSignature({ token: linkToken(db, "anna@example.org", "withdraw"), db, now: late })).toThrow(expect.objectContaining({ code: "EXPIRED" }));
    expect(db.select().from(signatures).get()).toMatchObject({ status: "pending", name: "Anna Petrova" });
  });
});
