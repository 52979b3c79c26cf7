import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { SYSTEM } from "@/server/auth/actor";
import { getStats } from "@/server/stats/get-stats";
import { getDashboard } from "@/server/dashboard/get-dashboard";
import { setUpTestDatabase } from "@/test/database";
import { createPendingSigner, createVerifiedSigner } from "@/test/factories";
import { anonymiseAllSignatures, erasePersonalData, exportPersonalData, purgeUnconfirmedSignatures } from "./retention";
import { forbidRealClock } from "@/test/clock";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-01T10:00:00Z");

/** Someone from Lviv who shows their name, signing from one network everyone here shares. */
const person = (email: string) => ({ name: `Name ${email.split("@")[0]}`, email, country: "UA", city: "Lviv", isPublicName: true, ipHash: "iphash-XYZ" });

describe("retention", () => {
  forbidRealClock();
  let db: AppDatabase;
  setUpTestDatabase((opened) => ({ db } = opened));

  it("deletes unconfirmed signatures older than the retention period, with their tokens and emails", async () => {
    await createPendingSigner(db, { ...person("old@example.org"), now: T0 });
    await createPendingSigner(db, { ...person("recent@example.org"), now: T0 + 10 * DAY });
    await createVerifiedSigner(db, { ...person("verified@example.org"), now: T0, confirmAt: T0 + 1 });
    const result = purgeUnconfirmedSignatures({ actor: SYSTEM, days: 14, db, now: T0 + 15 * DAY });
    expect(result).toEqual({ deleted: 1 });
    expect(db.select().from(signatures).all().map((row) => row.email).sort()).toEqual(["recent@example.org", "verified@example.org"]);
    expect(db.select().from(mailOutbox).all().some((mail) => mail.toAddress === "old@example.org")).toBe(false);
    expect(db.select().from(signatureTokens).all().every((token) => token.signatureId !== 1)).toBe(true);
    expect(getDashboard({ actor: SYSTEM, db, now: T0 + 15 * DAY }).statusTotals).toMatchObject({ pending: 1, verified: 1 });
  });

  it("anonymising a closed campaign erases every personal field and keeps every count", async () => {
    await createVerifiedSigner(db, { ...person("a@example.org"), now: T0, confirmAt: T0 + 1 });
    await createVerifiedSigner(db, { ...person("b@example.org"), now: T0 + DAY, confirmAt: T0 + DAY + 1 });
    await createPendingSigner(db, { ...person("c@example.org"), now: T0 + DAY });
    const before = getStats({ db, now: T0 + 2 * DAY });
    const result = anonymiseAllSignatures({ actor: SYSTEM, db, now: T0 + 2 * DAY });
    expect(result).toEqual({ anonymised: 2, deletedPending: 1 });
    const after = getStats({ db, now: T0 + 2 * DAY });
    expect(after).toEqual(before);
    const dump = JSON.stringify(db.$client.prepare("select * from signatures").all());
    for (const secret of ["a@example.org", "b@example.org", "Name a", "Lviv", "iphash-XYZ"]) expect(dump).not.toContain(secret);
    expect(db.select().from(signatureTokens).all()).toEqual([]);
    expect(db.select().from(mailOutbox).all()).toEqual([]);
  });

  it("exports what is stored about one person, found by any spelling of their address", async () => {
    await createVerifiedSigner(db, { ...person("Person@Example.org"), now: T0, confirmAt: T0 + 1 });
    const data = exportPersonalData({ actor: SYSTEM, email: "person+x@example.org", db, now: T0 + DAY });
    expect(data.signature).toMatchObject({ name: "Name Person", country: "UA", city: "Lviv", status: "verified", networkHashStored: true, remindedAt: null });
    expect(data.emailsWaiting).toEqual([expect.objectContaining({ kind: "confirm", status: "queued" })]);
    expect(exportPersonalData({ actor: SYSTEM, email: "nobody@example.org", db, now: T0 + DAY }).signature).toBeNull();
  });

  it("finds nothing left to erase in a signature already withdrawn, even named by its erased key", async () => {
    await createVerifiedSigner(db, { ...person("gone@example.org"), now: T0, confirmAt: T0 + 1 });
    expect(erasePersonalData({ actor: SYSTEM, email: "gone@example.org", db, now: T0 + DAY })).toEqual({ erased: true });
    const row = db.select().from(signatures).get()!;
    expect(row).toMatchObject({ status: "withdrawn", emailKey: `withdrawn:${row.id}` });
    expect(erasePersonalData({ actor: SYSTEM, email: row.emailKey, db, now: T0 + 2 * DAY })).toEqual({ erased: false });
    expect(db.select().from(signatures).get()).toEqual(row);
  });

  it("is for owners (and the command line) only", () => {
    const admin = { kind: "organizer", id: 1, email: "a@example.org", role: "admin" } as const;
    expect(() => purgeUnconfirmedSignatures({ actor: admin, db })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(() => anonymiseAllSignatures({ actor: admin, db })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });
});
