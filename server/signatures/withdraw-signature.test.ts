import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog, mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { recordAudit } from "@/server/audit/record-audit";
import { SENT_EMAIL_BLANKS } from "@/server/mail/outbox-sender";
import { hashRecipient } from "@/server/privacy/daily-hash-keys";
import { invalidateSignature } from "@/server/moderation/invalidate-signature";
import { getStats } from "@/server/stats/get-stats";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import {
  createPendingSigner,
  createVerifiedSigner,
  emailsTo,
  linkTokenFromOutbox,
  readCounters,
  recountCounters,
  submitTestSignature,
} from "@/test/factories";
import { listPublicSigners } from "./list-public-signers";
import { getWithdrawalState, withdrawSignature, WITHDRAWING_PURPOSES } from "./withdraw-signature";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-21T10:00:00Z");

describe("withdrawing a signature", () => {
  forbidRealClock();
  let db: AppDatabase;

  setUpTestDatabase((opened) => ({ db } = opened));

  /** A verified friend, and Anna who signed through the friend's link with a utm source and confirmed. */
  async function twoVerifiedSigners() {
    const friend = await createVerifiedSigner(db, { name: "Friend", email: "friend@example.org", country: "FR", now: T0, confirmAt: T0 + 1 });
    const friendCode = friend.refCode;
    const annaFields = { city: "Berlin", isPublicName: "on", wantsUpdates: "on", ref: friendCode, utm_source: "newsletter", utm_campaign: "nov" };
    await createVerifiedSigner(db, { ...annaFields, now: T0 + DAY, confirmAt: T0 + DAY + 1 });
    return { friendCode, anna: db.select().from(signatures).where(eq(signatures.emailKey, "anna@example.org")).get()! };
  }

  it("takes a verified signature out of every counter and erases its personal data, in one go", async () => {
    const { friendCode, anna } = await twoVerifiedSigners();
    // A second "already signed" email: every email to Anna must go.
    await submitTestSignature(db, { now: T0 + DAY + 2 });
    const before = readCounters(db);
    expect(before).toMatchObject({ "total:": 2, "country:DE": 1, "day:2026-11-22": 1, [`ref:${friendCode}`]: 1, "utm:newsletter": 1, "status:verified": 2 });
    const token = linkTokenFromOutbox(db, "anna@example.org", "withdraw", { nth: 0 });

    // Opening the link changes nothing.
    expect(getWithdrawalState({ token, db, now: T0 + 2 * DAY })).toBe("ready");
    expect(readCounters(db)).toEqual(before);

    withdrawSignature({ token, db, now: T0 + 2 * DAY });

    const after = readCounters(db);
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
    expect(after).toEqual(recountCounters(db));
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

  it("drops the IP hash from the signature's audit rows and stops its share link from attributing anyone", async () => {
    const { anna } = await twoVerifiedSigners();
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
    withdrawSignature({ token: linkTokenFromOutbox(db, "anna@example.org", "withdraw"), db, now: T0 + 2 * DAY });

    const details = (id: number) =>
      db.select({ details: auditLog.details }).from(auditLog).where(and(eq(auditLog.action, "signature.suspicious"), eq(auditLog.targetId, String(id)))).get()!.details;
    expect(JSON.parse(details(anna.id)!)).toEqual({ domain: "example.org", reason: "ipSustained" });
    expect(JSON.parse(details(friendId)!)).toMatchObject({ ipHash: `hash-of-${friendId}` });

    // Someone who follows Anna's old share link signs: counted, but attributed to nobody.
    await submitTestSignature(db, { name: "Late Reader", email: "late@example.org", ref: anna.refCode, now: T0 + 3 * DAY });
    expect(db.select().from(signatures).where(eq(signatures.emailKey, "late@example.org")).get()!.referredBy).toBeNull();
  });

  it("blanks the recipient hash of emails already sent, so they cannot be tied to the address either", async () => {
    await twoVerifiedSigners();
    const withdrawLink = linkTokenFromOutbox(db, "anna@example.org", "withdraw");
    // As the sender leaves them once delivered (server/mail/outbox-sender.ts).
    db.update(mailOutbox).set({ status: "sent", ...SENT_EMAIL_BLANKS }).run();
    const sentToAnna = db.select().from(mailOutbox).all().filter((row) => row.recipientKey === hashRecipient("anna@example.org", { db, now: T0 + DAY }));
    expect(sentToAnna).toHaveLength(1);
    withdrawSignature({ token: withdrawLink, db, now: T0 + 2 * DAY });
    expect(db.select().from(mailOutbox).where(eq(mailOutbox.id, sentToAnna[0]!.id)).get()).toMatchObject({ status: "sent", recipientKey: "" });
    // The friend's email keeps its hash (the friend's cap still counts).
    expect(db.select().from(mailOutbox).all().filter((row) => row.recipientKey !== "")).toHaveLength(1);
  });

  it("a second withdrawal with the same link is refused as an invalid link, and changes nothing", async () => {
    await twoVerifiedSigners();
    const token = linkTokenFromOutbox(db, "anna@example.org", "withdraw");
    withdrawSignature({ token, db, now: T0 + 2 * DAY });
    const after = readCounters(db);
    expect(() => withdrawSignature({ token, db, now: T0 + 2 * DAY + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND", messageKey: "tokenInvalid" }));
    expect(() => getWithdrawalState({ token, db, now: T0 + 2 * DAY + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(readCounters(db)).toEqual(after);
  });

  it("lets the person sign again later with the same address", async () => {
    await twoVerifiedSigners();
    withdrawSignature({ token: linkTokenFromOutbox(db, "anna@example.org", "withdraw"), db, now: T0 + 2 * DAY });
    await createVerifiedSigner(db, { email: "Anna@Example.org", now: T0 + 3 * DAY, confirmAt: T0 + 3 * DAY + 1 });
    expect(emailsTo(db, "Anna@Example.org").map((email) => email.kind)).toEqual(["confirm"]);
    expect(getStats({ db, now: T0 }).total).toBe(2);
    expect(readCounters(db)).toEqual(recountCounters(db));
  });

  it("a pending signature only moves its status counter", async () => {
    await createPendingSigner(db, { city: "Berlin", now: T0 });
    const token = linkTokenFromOutbox(db, "anna@example.org", "withdraw");
    withdrawSignature({ token, db, now: T0 + 1 });
    expect(readCounters(db)).toEqual({ "status:withdrawn": 1 });
    expect(readCounters(db)).toEqual(recountCounters(db));
    expect(db.select().from(signatures).get()).toMatchObject({ status: "withdrawn", name: "", email: "", city: null, verifiedAt: null });
    expect(db.select().from(signatureTokens).all()).toEqual([]);
    expect(db.select().from(mailOutbox).all()).toEqual([]);
  });

  it("an invalidated signature can be withdrawn too: erased, with no public counter change", async () => {
    const { anna } = await twoVerifiedSigners();
    invalidateSignature({ actor: SYSTEM, id: anna.id, reason: "duplicate person", db, now: T0 + 2 * DAY });
    const before = readCounters(db);
    withdrawSignature({ token: linkTokenFromOutbox(db, "anna@example.org", "withdraw"), db, now: T0 + 3 * DAY });
    expect(readCounters(db)).toEqual({ ...before, "status:invalidated": undefined, "status:withdrawn": 1 });
    expect(readCounters(db)).toEqual(recountCounters(db));
    expect(db.select().from(signatures).where(eq(signatures.id, anna.id)).get()).toMatchObject({ status: "withdrawn", name: "", email: "" });
  });

  it("the private page's link withdraws only where the caller allows it; a confirmation link never does", async () => {
    await twoVerifiedSigners();
    const manage = linkTokenFromOutbox(db, "anna@example.org", "my");
    const confirm = linkTokenFromOutbox(db, "anna@example.org", "confirm");
    expect(() => withdrawSignature({ token: manage, db, now: T0 + 2 * DAY })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => withdrawSignature({ token: confirm, db, now: T0 + 2 * DAY, purposes: WITHDRAWING_PURPOSES })).toThrow(
      expect.objectContaining({ code: "NOT_FOUND" }),
    );
    withdrawSignature({ token: manage, db, now: T0 + 2 * DAY, purposes: WITHDRAWING_PURPOSES });
    expect(getStats({ db, now: T0 }).total).toBe(1);
  });

  it("refuses unknown and malformed tokens with NOT_FOUND and expired ones with EXPIRED", async () => {
    await createPendingSigner(db, { now: T0 });
    for (const bad of ["", "short", "x".repeat(43), "../../etc/passwd", linkTokenFromOutbox(db, "anna@example.org", "withdraw") + "x"]) {
      expect(() => withdrawSignature({ token: bad, db, now: T0 + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND", messageKey: "tokenInvalid" }));
      expect(() => getWithdrawalState({ token: bad, db, now: T0 + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    }
    const late = T0 + 366 * DAY;
    expect(() => withdrawSignature({ token: linkTokenFromOutbox(db, "anna@example.org", "withdraw"), db, now: late })).toThrow(expect.objectContaining({ code: "EXPIRED" }));
    expect(db.select().from(signatures).get()).toMatchObject({ status: "pending", name: "Anna Petrova" });
  });
});
