import fs from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import { startWalCheckpointer } from "@/db/wal-checkpointer";
import { SYSTEM } from "@/server/auth/actor";
import { withdrawSignature } from "@/server/signatures/withdraw-signature";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createPendingSigner, createVerifiedSigner } from "@/test/factories";
import { erasePersonalData, purgeUnconfirmedSignatures } from "./retention";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-12T08:00:00Z");

// What a withdrawal erases must be gone from the bytes on disk, not only from
// the rows (decision 0019): SQLite leaves deleted and overwritten content in
// free space and keeps old page versions in the WAL until a checkpoint.
const ANNA = { name: "Annushka Zerkalova", email: "annushka.zerkalova@example.org", city: "Tver" };

/** Anna signs through the public path, from a network of her own. */
const annaSigns = (db: AppDatabase, now: number, confirmAt?: number) =>
  confirmAt === undefined
    ? createPendingSigner(db, { ...ANNA, country: "DE", isPublicName: true, ipHash: "ip-hash-of-annushka-0", now })
    : createVerifiedSigner(db, { ...ANNA, country: "DE", isPublicName: true, ipHash: "ip-hash-of-annushka-0", now, confirmAt });

/** The database file and its WAL, as someone who copies them off the server would read them. */
function onDisk(filePath: string): string {
  const wal = `${filePath}-wal`;
  return Buffer.concat([fs.readFileSync(filePath), fs.existsSync(wal) ? fs.readFileSync(wal) : Buffer.alloc(0)]).toString("latin1");
}

/** Fills the database around Anna's rows, so her pages are shared and rewritten, as in a real campaign. */
async function signOthers(db: AppDatabase, count: number, now: number) {
  for (let i = 0; i < count; i += 1) {
    await createPendingSigner(db, { name: `Other Signer ${i}`, email: `other${i}@example.org`, city: "Lyon", country: "DE", isPublicName: true, ipHash: "ip-hash-of-someone-1", now: now + i });
  }
}

describe("erased data leaves the database's files", () => {
  forbidRealClock();
  let db: AppDatabase;
  let filePath: string;
  setUpTestDatabase((opened) => ({ db, filePath } = opened), { file: true });

  function expectGone() {
    const bytes = onDisk(filePath);
    for (const secret of [ANNA.email, ANNA.name, "Zerkalova", ANNA.city, "ip-hash-of-annushka-0"]) expect(bytes, secret).not.toContain(secret);
  }

  it("after a withdrawal and its checkpoint, the address occurs nowhere in the database file or its WAL", async () => {
    await signOthers(db, 20, T0);
    const { withdrawToken: withdrawLink } = await annaSigns(db, T0 + 100, T0 + 200);
    await signOthers(db, 20, T0 + 300);
    expect(onDisk(filePath)).toContain(ANNA.email);

    withdrawSignature({ token: withdrawLink, db, now: T0 + DAY });

    expectGone();
    expect(fs.statSync(`${filePath}-wal`).size).toBe(0);
    // Everyone else is still there.
    expect(onDisk(filePath)).toContain("other19@example.org");
  });

  it("with the checkpoint worker of the production server, the bytes are gone a moment later", async () => {
    const stop = startWalCheckpointer(db, { intervalMs: 20 });
    try {
      await signOthers(db, 20, T0);
      const { withdrawToken: withdrawLink } = await annaSigns(db, T0 + 100, T0 + 200);
      withdrawSignature({ token: withdrawLink, db, now: T0 + DAY });
      await expect.poll(() => [ANNA.email, ANNA.name, ANNA.city].filter((secret) => onDisk(filePath).includes(secret)), { timeout: 5_000 }).toEqual([]);
    } finally {
      await stop();
    }
  });

  it("a signature erased on request from the command line leaves no bytes either", async () => {
    await signOthers(db, 10, T0);
    await annaSigns(db, T0 + 100);
    expect(erasePersonalData({ actor: SYSTEM, email: "ANNUSHKA.Zerkalova@example.org", db, now: T0 + DAY })).toEqual({ erased: true });
    expect(db.select({ status: signatures.status }).from(signatures).where(eq(signatures.emailKey, `withdrawn:11`)).get()).toEqual({ status: "withdrawn" });
    expectGone();
    expect(erasePersonalData({ actor: SYSTEM, email: ANNA.email, db, now: T0 + DAY })).toEqual({ erased: false });
  });

  it("an unconfirmed signature purged after the retention period leaves no bytes either", async () => {
    await annaSigns(db, T0);
    await signOthers(db, 10, T0 + 29 * DAY);
    expect(purgeUnconfirmedSignatures({ actor: SYSTEM, days: 30, db, now: T0 + 30 * DAY + 1 })).toEqual({ deleted: 1 });
    expectGone();
  });
});
