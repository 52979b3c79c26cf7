import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures, statCounters } from "@/db/schema";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createVerifiedSigner } from "@/test/factories";
import { getSignerUpdates, setSignerUpdates } from "./unsubscribe";

const T0 = Date.parse("2026-12-04T08:00:00Z");

describe("the updates switch on the signer's private page", () => {
  forbidRealClock();
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  it("turns updates off and on again without touching the signature or any count", async () => {
    const signer = await createVerifiedSigner(db, { email: "anna@example.org", wantsUpdates: true, now: T0 });
    const counts = db.select().from(statCounters).all();
    expect(getSignerUpdates({ token: signer.manageToken, db, now: T0 })).toEqual({ wantsUpdates: true, isUndeliverable: false });

    expect(setSignerUpdates({ token: signer.manageToken, wantsUpdates: false, db, now: T0 + 1 })).toEqual({ wantsUpdates: false, isUndeliverable: false });
    expect(db.select({ wantsUpdates: signatures.wantsUpdates, unsubscribedAt: signatures.unsubscribedAt, status: signatures.status }).from(signatures).get()).toEqual({
      wantsUpdates: false,
      unsubscribedAt: T0 + 1,
      status: "verified",
    });

    setSignerUpdates({ token: signer.manageToken, wantsUpdates: true, db, now: T0 + 2 });
    expect(db.select({ wantsUpdates: signatures.wantsUpdates, unsubscribedAt: signatures.unsubscribedAt }).from(signatures).get()).toEqual({ wantsUpdates: true, unsubscribedAt: null });
    expect(db.select().from(statCounters).all()).toEqual(counts);
  });

  it("lets a signer who never asked for updates ask for them, and tries a refused address again when they do", async () => {
    const signer = await createVerifiedSigner(db, { email: "bounced@example.org", wantsUpdates: false, now: T0 });
    db.update(signatures).set({ undeliverableAt: T0, undeliverableReason: "550 5.1.1" }).where(eq(signatures.id, signer.id)).run();
    expect(getSignerUpdates({ token: signer.manageToken, db, now: T0 })).toEqual({ wantsUpdates: false, isUndeliverable: true });
    setSignerUpdates({ token: signer.manageToken, wantsUpdates: true, db, now: T0 + 1 });
    expect(db.select({ wantsUpdates: signatures.wantsUpdates, undeliverableAt: signatures.undeliverableAt }).from(signatures).get()).toEqual({ wantsUpdates: true, undeliverableAt: null });
  });

  it("refuses a link that is not the private page's", async () => {
    await createVerifiedSigner(db, { email: "anna@example.org", wantsUpdates: true, now: T0 });
    expect(() => setSignerUpdates({ token: "x".repeat(52), wantsUpdates: false, db, now: T0 })).toThrow(/NOT_FOUND/);
    expect(() => getSignerUpdates({ token: "<bad>", db, now: T0 })).toThrow(/NOT_FOUND/);
    expect(db.select({ wantsUpdates: signatures.wantsUpdates }).from(signatures).get()).toEqual({ wantsUpdates: true });
  });
});
