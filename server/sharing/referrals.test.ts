import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { invalidateSignature, restoreSignature } from "@/server/moderation/invalidate-signature";
import { submitConfirmation } from "@/server/signatures/confirm-signature";
import { setUpTestDatabase } from "@/test/database";
import { createPendingSigner } from "@/test/factories";
import { createPartnerCode, getReferralSources, getSignerSharing, listPartnerCodes } from "./referrals";
import { forbidRealClock } from "@/test/clock";

const T0 = Date.parse("2026-11-21T10:00:00Z");

describe("referrals", () => {
  forbidRealClock();
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  const rowOf = (email: string) => db.select().from(signatures).all().find((row) => row.email === email)!;

  it("a friend who signs through a signer's link is counted for that signer once verified", async () => {
    const first = await createPendingSigner(db, { name: "Anna", email: "first@example.org", now: T0 });
    await submitConfirmation({ token: first.confirmToken, db, now: T0 + 1 });
    const { refCode } = rowOf(first.email);
    expect(getSignerSharing({ token: first.manageToken, db, now: T0 + 2 })).toEqual({ refCode, isVerified: true, signedThroughLink: 0 });

    const friend = await createPendingSigner(db, { name: "Anna", email: "friend@example.org", ref: refCode.toUpperCase(), utm_source: "Telegram", utm_campaign: "launch", now: T0 });
    expect(rowOf(friend.email)).toMatchObject({ referredBy: refCode, utmSource: "telegram", utmCampaign: "launch" });
    expect(getSignerSharing({ token: first.manageToken, db, now: T0 + 2 }).signedThroughLink).toBe(0);

    await submitConfirmation({ token: friend.confirmToken, db, now: T0 + 3 });
    expect(getSignerSharing({ token: first.manageToken, db, now: T0 + 4 }).signedThroughLink).toBe(1);
    expect(getReferralSources({ actor: SYSTEM, db })).toEqual({ partners: [], signerLinks: 1, utmSources: [{ source: "telegram", count: 1 }] });

    // Invalidating the friend takes them out of the referral numbers too; restoring puts them back.
    invalidateSignature({ actor: SYSTEM, id: rowOf(friend.email).id, reason: "test", db, now: T0 + 5 });
    expect(getSignerSharing({ token: first.manageToken, db, now: T0 + 6 }).signedThroughLink).toBe(0);
    expect(getReferralSources({ actor: SYSTEM, db }).utmSources).toEqual([]);
    restoreSignature({ actor: SYSTEM, id: rowOf(friend.email).id, db, now: T0 + 7 });
    expect(getSignerSharing({ token: first.manageToken, db, now: T0 + 8 }).signedThroughLink).toBe(1);
  });

  it.each(["nosuchcode", "<script>", "a", "x".repeat(100), "", 42])("an unknown or malformed ref %j is ignored and the signature still counts", async (ref) => {
    const signer = await createPendingSigner(db, { name: "Anna", email: "someone@example.org", ref, now: T0 });
    expect(rowOf(signer.email).referredBy).toBeNull();
    expect(await submitConfirmation({ token: signer.confirmToken, db, now: T0 + 1 })).toBe("ready");
  });

  it("partner codes attribute signatures and show in the sources, by label", async () => {
    createPartnerCode({ actor: SYSTEM, code: "Diaspora-Berlin", label: "Diaspora Berlin", db, now: T0 });
    expect(() => createPartnerCode({ actor: SYSTEM, code: "diaspora-berlin", label: "again", db, now: T0 })).toThrow(expect.objectContaining({ code: "CONFLICT" }));
    expect(() => createPartnerCode({ actor: SYSTEM, code: "bad code!", label: "x", db, now: T0 })).toThrow(expect.objectContaining({ code: "INVALID" }));
    const viaPartner = await createPendingSigner(db, { name: "Anna", email: "p@example.org", ref: "diaspora-berlin", now: T0 });
    await submitConfirmation({ token: viaPartner.confirmToken, db, now: T0 + 1 });
    expect(listPartnerCodes({ actor: SYSTEM, db })).toEqual([{ code: "diaspora-berlin", label: "Diaspora Berlin", createdAt: T0, verified: 1 }]);
    expect(getReferralSources({ actor: SYSTEM, db }).partners).toEqual([{ code: "diaspora-berlin", label: "Diaspora Berlin", count: 1 }]);
  });

  it("viewers read numbers but cannot create codes", () => {
    const viewer = { kind: "organizer", id: 1, email: "v@example.org", role: "viewer" } as const;
    expect(listPartnerCodes({ actor: viewer, db })).toEqual([]);
    expect(() => createPartnerCode({ actor: viewer, code: "abc", label: "x", db, now: T0 })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("a wrong or expired private link says nothing", async () => {
    const signer = await createPendingSigner(db, { name: "Anna", email: "late@example.org", now: T0 });
    expect(() => getSignerSharing({ token: "bogus-token-bogus-token-bogus", db, now: T0 + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => getSignerSharing({ token: signer.manageToken, db, now: T0 + 400 * 86_400_000 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => getSignerSharing({ token: signer.confirmToken, db, now: T0 + 1 })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});
