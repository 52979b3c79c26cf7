import { fc, test as propertyTest } from "@fast-check/vitest";
import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import type { AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import type { BulkInvalidationFilterInput } from "@/lib/schemas/moderation";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { AppError } from "@/server/errors";
import { erasePersonalData, purgeUnconfirmedSignatures } from "@/server/privacy/retention";
import { submitConfirmation } from "@/server/signatures/confirm-signature";
import { withdrawSignature } from "@/server/signatures/withdraw-signature";
import { forbidRealClock } from "@/test/clock";
import { createTestDatabase } from "@/test/database";
import { createOrganizer, createPendingSigner, findTestSigner, readCounters, recountCounters, submitTestSignature } from "@/test/factories";
import { bulkInvalidate, previewBulkInvalidation } from "./bulk-invalidate";
import { invalidateSignature, restoreSignature } from "./invalidate-signature";

// Whatever signers, organizers and the maintenance do, in whatever order,
// every public number (and the per-status numbers) must equal a full
// recount of the rows: every transition of lib/signature-lifecycle.ts runs
// here through the function production calls (sign, confirm, invalidate,
// restore, bulk invalidate, withdraw, erase on request, purge).

const HOUR = 60 * 60 * 1000;
// Late evening UTC, so confirmations a few hours later land on other days.
const T0 = Date.parse("2026-11-21T20:00:00Z");

const COUNTRIES = ["DE", "UA", "RU", "GB"] as const;
const DOMAINS = ["mail.example", "other.example", "gmail.com"] as const;
const NAMES = ["Anna Petrova", "анна", "Bob_x", "50%_off", "Zoë Ånström", "bob Anna"] as const;
const IP_HASHES = ["ip-a", "ip-b", null] as const;
const NAME_PATTERNS = ["anna", "*_*", "50%_", "b*x", "АННА", "zoë"] as const;

const signatureArbitrary = fc.record({
  country: fc.constantFrom(...COUNTRIES),
  domain: fc.constantFrom(...DOMAINS),
  name: fc.constantFrom(...NAMES),
  ipHash: fc.constantFrom(...IP_HASHES),
  createdAfter: fc.integer({ min: 0, max: 60 * HOUR }),
  /** When (after signing) it is confirmed, if at all: usually soon, sometimes days later. */
  confirmAfter: fc.option(fc.oneof(fc.integer({ min: 1, max: 6 * HOUR }), fc.integer({ min: 1, max: 72 * HOUR })), { nil: undefined, freq: 3 }),
  isWithdrawn: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

/** A `from`/`to` bound: a date (whole UTC day) or a date-time, around the signing window. */
const boundArbitrary = fc
  .tuple(fc.integer({ min: -24 * HOUR, max: 96 * HOUR }), fc.boolean())
  .map(([offset, asDate]) => {
    const iso = new Date(T0 + offset).toISOString();
    return asDate ? iso.slice(0, 10) : iso;
  });

/** Mostly a real window; now and then only one end, or the ends swapped (which must be refused). */
const windowArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(boundArbitrary, boundArbitrary).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })) },
  { weight: 1, arbitrary: boundArbitrary.map((from) => ({ from })) },
  { weight: 1, arbitrary: boundArbitrary.map((to) => ({ to })) },
  { weight: 1, arbitrary: fc.tuple(boundArbitrary, boundArbitrary).map(([from, to]) => ({ from, to })) },
);

// Each narrowing filter is present now and then, so most runs match several rows and some match none.
const filterArbitrary: fc.Arbitrary<BulkInvalidationFilterInput> = fc
  .record({
    country: fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined, freq: 2 }),
    emailDomain: fc.option(fc.constantFrom(...DOMAINS, "googlemail.com"), { nil: undefined, freq: 2 }),
    ipHash: fc.option(fc.constantFrom("ip-a", "ip-b"), { nil: undefined, freq: 2 }),
    namePattern: fc.option(fc.constantFrom(...NAME_PATTERNS), { nil: undefined, freq: 2 }),
    window: fc.option(windowArbitrary, { nil: undefined, freq: 2 }),
    statuses: fc.option(fc.constantFrom<("pending" | "verified")[]>(["pending"], ["verified"], ["pending", "verified"]), { nil: undefined, freq: 1 }),
  })
  .map(({ window, ...rest }) => {
    const filter: Record<string, unknown> = { ...rest, ...window };
    for (const key of Object.keys(filter)) if (filter[key] === undefined) delete filter[key];
    return filter as BulkInvalidationFilterInput;
  });

const operationArbitrary = fc.oneof(
  fc.record({ kind: fc.constant("sign" as const), spec: signatureArbitrary, repeatOf: fc.option(fc.nat(), { nil: undefined }) }),
  fc.record({ kind: fc.constant("withdraw" as const), index: fc.nat() }),
  fc.record({ kind: fc.constant("erasePerson" as const), index: fc.nat() }),
  fc.record({ kind: fc.constant("purge" as const), days: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("invalidate" as const), index: fc.nat() }),
  fc.record({ kind: fc.constant("restore" as const), index: fc.nat() }),
  fc.record({ kind: fc.constant("restoreAll" as const) }),
  fc.record({ kind: fc.constant("bulk" as const), filter: filterArbitrary, isStale: fc.boolean() }),
  fc.record({ kind: fc.constant("confirm" as const), index: fc.nat(), after: fc.integer({ min: 0, max: 96 * HOUR }) }),
);

type SignatureSpec = typeof signatureArbitrary extends fc.Arbitrary<infer T> ? T : never;
type Operation = typeof operationArbitrary extends fc.Arbitrary<infer T> ? T : never;
type Created = { id: number; email: string; refCode: string; token: string; withdrawToken: string };

async function createSignatures(db: AppDatabase, specs: SignatureSpec[]): Promise<Created[]> {
  const created: Created[] = [];
  for (const [index, spec] of specs.entries()) {
    // Every third signer arrives through the first signer's link, some with a utm_source, so referral counters are exercised too.
    const ref = index > 0 && index % 3 === 0 ? created[0]!.refCode : undefined;
    const utm = index % 4 === 0 ? ["telegram", "vk", "mail"][index % 3] : undefined;
    const createdAt = T0 + spec.createdAfter;
    const signer = await createPendingSigner(db, { name: spec.name, email: `signer.${index}@${spec.domain}`, country: spec.country, ref, utm_source: utm, ipHash: spec.ipHash, now: createdAt });
    if (spec.confirmAfter !== undefined) await submitConfirmation({ token: signer.confirmToken, db, now: createdAt + spec.confirmAfter });
    if (spec.isWithdrawn) withdrawSignature({ token: signer.withdrawToken, db, now: createdAt + (spec.confirmAfter ?? 0) + 1 });
    created.push({ id: signer.id, email: signer.email, refCode: signer.refCode, token: signer.confirmToken, withdrawToken: signer.withdrawToken });
  }
  return created;
}

/** The row's status, or undefined once it is deleted (purged). */
function statusOf(db: AppDatabase, id: number) {
  return db.select({ status: signatures.status }).from(signatures).where(eq(signatures.id, id)).get()?.status;
}

/** A signature made during the sequence: a new address, or again one already used (no second row unless the first was withdrawn or purged). */
async function signDuring(db: AppDatabase, created: Created[], operation: Extract<Operation, { kind: "sign" }>, now: number): Promise<void> {
  const { spec } = operation;
  const email = operation.repeatOf !== undefined && created.length > 0 ? created[operation.repeatOf % created.length]!.email : `late.${created.length}@${spec.domain}`;
  const rowsBefore = db.select({ id: signatures.id }).from(signatures).all().length;
  const live = db.select({ id: signatures.id }).from(signatures).where(eq(signatures.emailKey, normalizeEmail(email))).get();
  await submitTestSignature(db, { name: spec.name, email, country: spec.country, ipHash: spec.ipHash, now });
  expect(db.select({ id: signatures.id }).from(signatures).all().length).toBe(live ? rowsBefore : rowsBefore + 1);
  if (live) return;
  const signer = findTestSigner(db, email);
  created.push({ id: signer.id, email, refCode: signer.refCode, token: signer.confirmToken, withdrawToken: signer.withdrawToken });
}

async function applyOperation(db: AppDatabase, actor: Actor, created: Created[], operation: Operation, now: number): Promise<void> {
  const pick = (index: number) => created[index % created.length]!;
  switch (operation.kind) {
    case "sign": {
      await signDuring(db, created, operation, now);
      return;
    }
    case "withdraw": {
      const { id, withdrawToken } = pick(operation.index);
      const before = statusOf(db, id);
      if (before === undefined || before === "withdrawn") {
        expect(() => withdrawSignature({ token: withdrawToken, db, now })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
      } else {
        withdrawSignature({ token: withdrawToken, db, now });
        expect(statusOf(db, id)).toBe("withdrawn");
      }
      return;
    }
    case "erasePerson": {
      const { id, email } = pick(operation.index);
      const live = db.select({ id: signatures.id }).from(signatures).where(eq(signatures.emailKey, normalizeEmail(email))).get();
      expect(erasePersonalData({ actor: SYSTEM, email, db, now })).toEqual({ erased: live !== undefined });
      if (live?.id === id) expect(statusOf(db, id)).toBe("withdrawn");
      return;
    }
    case "purge": {
      const cutoff = now - operation.days * 24 * HOUR;
      const stale = db.select().from(signatures).all().filter((row) => row.status === "pending" && row.createdAt < cutoff).length;
      expect(purgeUnconfirmedSignatures({ actor: SYSTEM, days: operation.days, db, now })).toEqual({ deleted: stale });
      return;
    }
    case "invalidate": {
      const { id } = pick(operation.index);
      const before = statusOf(db, id);
      if (before === undefined) {
        expect(() => invalidateSignature({ actor, id, reason: "random check", db, now })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
      } else if (before === "withdrawn") {
        expect(() => invalidateSignature({ actor, id, reason: "random check", db, now })).toThrow(expect.objectContaining({ code: "CONFLICT" }));
      } else {
        expect(invalidateSignature({ actor, id, reason: "random check", db, now }).status).toBe("invalidated");
      }
      return;
    }
    case "restore": {
      const { id } = pick(operation.index);
      const before = db.select().from(signatures).where(eq(signatures.id, id)).get();
      if (before === undefined) {
        expect(() => restoreSignature({ actor, id, db, now })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
        return;
      }
      if (before.status === "withdrawn") {
        expect(() => restoreSignature({ actor, id, db, now })).toThrow(expect.objectContaining({ code: "CONFLICT" }));
        return;
      }
      const after = restoreSignature({ actor, id, db, now });
      const expected = before.status === "invalidated" ? (before.verifiedAt !== null ? "verified" : "pending") : before.status;
      expect(after.status).toBe(expected);
      expect(after.verifiedAt).toBe(before.verifiedAt);
      return;
    }
    case "restoreAll": {
      const invalidated = db.select({ id: signatures.id }).from(signatures).where(eq(signatures.status, "invalidated")).all();
      for (const { id } of invalidated) restoreSignature({ actor, id, db, now });
      return;
    }
    case "confirm": {
      const { id, token } = pick(operation.index);
      const before = statusOf(db, id);
      try {
        await submitConfirmation({ token, db, now: now + operation.after });
        expect(["pending", "verified"]).toContain(before);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect(["NOT_FOUND", "EXPIRED"]).toContain((error as AppError).code);
      }
      return;
    }
    case "bulk": {
      let preview: ReturnType<typeof previewBulkInvalidation>;
      try {
        preview = previewBulkInvalidation({ actor, filter: operation.filter, db });
      } catch (error) {
        // Random filters may have no narrowing part or an inverted window: refused, never a crash.
        expect(error).toBeInstanceOf(AppError);
        expect(["filterRequired", "rangeInvalid"]).toContain((error as AppError).messageKey);
        expect(() => bulkInvalidate({ actor, filter: operation.filter, reason: "random bulk", expectedCount: 0, db, now })).toThrow(
          expect.objectContaining({ code: "INVALID" }),
        );
        return;
      }
      expect(preview.count).toBe(preview.byStatus.pending + preview.byStatus.verified);
      expect(Object.values(preview.byCountry).reduce((sum, n) => sum + n, 0)).toBe(preview.count);
      const invalidatedBefore = db.$client.prepare("select count(*) as n from signatures where status = 'invalidated'").get() as { n: number };
      if (operation.isStale) {
        expect(() => bulkInvalidate({ actor, filter: operation.filter, reason: "random bulk", expectedCount: preview.count + 1, db, now })).toThrow(
          expect.objectContaining({ code: "CONFLICT", messageKey: "countChanged" }),
        );
        return;
      }
      expect(bulkInvalidate({ actor, filter: operation.filter, reason: "random bulk", expectedCount: preview.count, db, now })).toEqual({
        invalidated: preview.count,
      });
      const invalidatedAfter = db.$client.prepare("select count(*) as n from signatures where status = 'invalidated'").get() as { n: number };
      expect(invalidatedAfter.n - invalidatedBefore.n).toBe(preview.count);
      return;
    }
  }
}

describe("counters under moderation", () => {
  forbidRealClock();
  propertyTest.prop(
    [fc.array(signatureArbitrary, { minLength: 1, maxLength: 20 }), fc.array(operationArbitrary, { maxLength: 15 }), fc.boolean()],
    { numRuns: 250 },
  )("after any sequence of signatures, confirmations, invalidations, restores, bulk runs, withdrawals, erasures and purges, every counter equals a full recount", async (specs, operations, asOrganizer) => {
    const { db, close } = createTestDatabase();
    try {
      const actor: Actor = asOrganizer ? createOrganizer(db, { role: "admin", email: "admin@organizers.example", now: T0 }) : SYSTEM;
      const created = await createSignatures(db, specs);
      expect(readCounters(db)).toEqual(recountCounters(db));
      for (const [step, operation] of operations.entries()) {
        await applyOperation(db, actor, created, operation, T0 + 100 * HOUR + step * HOUR);
        expect(readCounters(db)).toEqual(recountCounters(db));
      }
    } finally {
      close();
    }
  });
});
