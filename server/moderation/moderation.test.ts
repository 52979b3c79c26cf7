import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog, signatures, SIGNATURE_STATUSES } from "@/db/schema";
import {
  bulkFilterQuery,
  BulkInvalidationFilterSchema,
  InvalidateSchema,
  namePatternToLike,
  parseModerationInput,
  readBulkFilterFields,
  SignatureSearchSchema,
} from "@/lib/schemas/moderation";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { submitConfirmation } from "@/server/signatures/confirm-signature";
import { changeSignatureStatus } from "@/server/signatures/lifecycle";
import { listPublicSigners } from "@/server/signatures/list-public-signers";
import { getStats } from "@/server/stats/get-stats";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { caughtAppError } from "@/test/errors";
import {
  createOrganizer,
  createPendingSigner,
  createVerifiedSigner,
  insertSignatureRows,
  readAuditRows,
  readCounter,
  readCounters,
  recountCounters,
} from "@/test/factories";
import { bulkInvalidate, previewBulkInvalidation } from "./bulk-invalidate";
import { invalidateSignature, restoreSignature } from "./invalidate-signature";
import { getSignatureDetail, searchSignatures } from "./search-signatures";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-21T10:00:00Z");

// Helpers

// Schemas

describe("moderation schemas", () => {
  forbidRealClock();
  it("know the same statuses as the database", () => {
    for (const status of SIGNATURE_STATUSES) {
      expect(parseModerationInput(SignatureSearchSchema, { status })).toEqual({ success: true, data: { status, limit: 50 } });
    }
    expect(parseModerationInput(SignatureSearchSchema, { status: "deleted" })).toEqual({ success: false, errors: { status: "statusInvalid" } });
  });

  it("read the bulk filter alike from the preview's query and the action's form, and carry it on unchanged", () => {
    const form = new FormData();
    form.set("emailDomain", "spam.example");
    form.set("ipHash", "");
    form.append("statuses", "pending");
    form.append("statuses", "verified");
    form.set("reason", "a burst");
    const query: Record<string, string | string[]> = { emailDomain: "spam.example", ipHash: "", statuses: ["pending", "verified"], done: "3" };
    const fromForm = readBulkFilterFields((name) => form.getAll(name));
    expect(fromForm).toEqual({ emailDomain: "spam.example", statuses: ["pending", "verified"] });
    expect(readBulkFilterFields((name) => ([] as unknown[]).concat(query[name] ?? []))).toEqual(fromForm);
    expect(bulkFilterQuery(fromForm).toString()).toBe("emailDomain=spam.example&statuses=pending&statuses=verified");
    expect(readBulkFilterFields((name) => bulkFilterQuery(fromForm).getAll(name))).toEqual(fromForm);
  });

  it.each([
    [{}, { limit: 50 }],
    [{ q: "  Anna  ", email: " Anna@Example.ORG ", country: "de", status: "", limit: "20", cursor: "" }, { q: "Anna", email: "anna@example.org", country: "DE", limit: 20 }],
    [{ name: " \u202E ", from: "2026-11-01", to: "2026-11-01" }, { from: "2026-11-01", to: "2026-11-01", limit: 50 }],
  ])("search accepts %j as %j", (input, data) => {
    expect(parseModerationInput(SignatureSearchSchema, input)).toEqual({ success: true, data });
  });

  it.each([
    [{ q: "x".repeat(201) }, { q: "queryTooLong" }],
    [{ name: "x".repeat(101) }, { name: "nameTooLong" }],
    [{ country: "ZZ" }, { country: "countryInvalid" }],
    [{ status: "fraudulent" }, { status: "statusInvalid" }],
    [{ from: "2026-02-30" }, { from: "dateInvalid" }],
    [{ to: "21/11/2026" }, { to: "dateInvalid" }],
    [{ from: "2026-11-02", to: "2026-11-01" }, { to: "rangeInvalid" }],
    [{ cursor: "1 OR 1=1" }, { cursor: "cursorInvalid" }],
    [{ limit: 0 }, { limit: "limitInvalid" }],
    [{ limit: "201" }, { limit: "limitInvalid" }],
    [{ limit: 2.5 }, { limit: "limitInvalid" }],
    [{ email: 42 }, { email: "emailInvalid" }],
    [{ q: ["a"], name: {} }, { q: "invalid", name: "invalid" }],
  ])("search rejects %j with %j", (input, errors) => {
    expect(parseModerationInput(SignatureSearchSchema, input)).toEqual({ success: false, errors });
  });

  it.each([
    [{ emailDomain: "@Mail.Example" }, { emailDomain: "mail.example", statuses: ["pending", "verified"] }],
    [{ ipHash: " abc_DEF-1 ", statuses: "verified" }, { ipHash: "abc_DEF-1", statuses: ["verified"] }],
    [{ country: "ru", statuses: ["verified", "pending", "verified"] }, { country: "RU", statuses: ["pending", "verified"] }],
    [{ from: "2026-11-21T12:00+02:00", to: "2026-11-21" }, { from: "2026-11-21T10:00:00.000Z", to: "2026-11-21", statuses: ["pending", "verified"] }],
    [{ from: "2026-11-21T12:00" }, { from: "2026-11-21T12:00:00.000Z", statuses: ["pending", "verified"] }],
    [{ namePattern: "  50%_off  " }, { namePattern: "50%_off", statuses: ["pending", "verified"] }],
  ])("bulk filter accepts %j as %j", (input, data) => {
    const result = parseModerationInput(BulkInvalidationFilterSchema, input);
    expect(result).toEqual({ success: true, data });
    // What the form parsed, the server parses again to the same thing.
    if (result.success) expect(parseModerationInput(BulkInvalidationFilterSchema, result.data)).toEqual(result);
  });

  it.each([
    [{}, { form: "filterRequired" }],
    [{ statuses: ["pending", "verified"] }, { form: "filterRequired" }],
    [{ emailDomain: "", ipHash: "  ", namePattern: null }, { form: "filterRequired" }],
    [{ emailDomain: "localhost" }, { emailDomain: "emailDomainInvalid" }],
    [{ emailDomain: "a@b.example" }, { emailDomain: "emailDomainInvalid" }],
    [{ ipHash: "a b" }, { ipHash: "ipHashInvalid" }],
    [{ ipHash: "a".repeat(65) }, { ipHash: "ipHashInvalid" }],
    [{ namePattern: "**" }, { namePattern: "namePatternInvalid" }],
    [{ namePattern: "x".repeat(101) }, { namePattern: "namePatternTooLong" }],
    [{ country: "DE", statuses: [] }, { statuses: "statusesInvalid" }],
    [{ country: "DE", statuses: ["invalidated"] }, { statuses: "statusesInvalid" }],
    [{ from: "2026-11-21T10:00Z", to: "2026-11-21T09:59Z" }, { to: "rangeInvalid" }],
    [{ from: "2026-11-22", to: "2026-11-21T23:59Z" }, { to: "rangeInvalid" }],
    [{ from: "2026-11-21T24:00Z" }, { from: "dateInvalid" }],
    [{ from: "yesterday" }, { from: "dateInvalid" }],
  ])("bulk filter rejects %j with %j", (input, errors) => {
    expect(parseModerationInput(BulkInvalidationFilterSchema, input)).toEqual({ success: false, errors });
  });

  it.each([
    [{}, "reasonRequired"],
    [{ reason: "  ab \u200B " }, "reasonRequired"],
    [{ reason: "x".repeat(501) }, "reasonTooLong"],
  ])("a reason is required: %j gives %s", (input, code) => {
    expect(parseModerationInput(InvalidateSchema, input)).toEqual({ success: false, errors: { reason: code } });
  });

  it.each([
    ["50%_off", "%50\\%\\_off%"],
    ["Anna*Petrova", "%anna%petrova%"],
    ["*Анна*", "%анна%"],
    ["back\\slash", "%back\\\\slash%"],
  ])("name pattern %s becomes LIKE %s", (pattern, like) => {
    expect(namePatternToLike(pattern)).toBe(like);
  });
});

// Domain functions

describe("moderation", () => {
  let db: AppDatabase;
  let admin: Actor;
  let owner: Actor;
  let viewer: Actor;

  setUpTestDatabase((opened) => ({ db } = opened));
  beforeEach(() => {
    admin = createOrganizer(db, { role: "admin", now: T0 });
    owner = createOrganizer(db, { role: "owner", now: T0 });
    viewer = createOrganizer(db, { role: "viewer", now: T0 });
  });

  describe("who may moderate", () => {
    it.each<[string, (db: AppDatabase, actor: Actor, id: number) => unknown]>([
      ["searchSignatures", (db, actor) => searchSignatures({ actor, filters: {}, db })],
      ["getSignatureDetail", (db, actor, id) => getSignatureDetail({ actor, id, db })],
      ["invalidateSignature", (db, actor, id) => invalidateSignature({ actor, id, reason: "duplicate person", db })],
      ["restoreSignature", (db, actor, id) => restoreSignature({ actor, id, db })],
      ["previewBulkInvalidation", (db, actor) => previewBulkInvalidation({ actor, filter: { country: "DE" }, db })],
      [
        "bulkInvalidate",
        (db, actor) => {
          const matching = db.select().from(signatures).all().filter((row) => row.country === "DE" && ["pending", "verified"].includes(row.status));
          return bulkInvalidate({ actor, filter: { country: "DE" }, reason: "spam wave", expectedCount: matching.length, db });
        },
      ],
    ])("%s refuses viewers and changes nothing", async (_name, run) => {
      const id = (await createVerifiedSigner(db, { email: "anna@example.org", now: T0, confirmAt: T0 + 1 })).id;
      const before = { rows: db.select().from(signatures).all(), counters: readCounters(db) };
      expect(caughtAppError(() => run(db, viewer, id)).code).toBe("FORBIDDEN");
      // Checked before the input, so even a bad filter tells a viewer nothing.
      expect(caughtAppError(() => run(db, viewer, -1)).code).toBe("FORBIDDEN");
      expect({ rows: db.select().from(signatures).all(), counters: readCounters(db) }).toEqual(before);
      expect(db.select().from(auditLog).all()).toEqual([]);
      // Admins, owners and the command line may.
      for (const actor of [admin, owner, SYSTEM]) expect(() => run(db, actor, id)).not.toThrow();
    });
  });

  describe("searching", () => {
    beforeEach(async () => {
      await createVerifiedSigner(db, { email: "anna.k@gmail.com", name: "Anna Karenina", country: "RU", now: T0, confirmAt: T0 + 10 });
      await createPendingSigner(db, { email: "boris@mail.example", name: "Борис Пастернак", country: "RU", now: T0 + DAY });
      await createVerifiedSigner(db, { email: "clara@mail.example", name: "Clara Zetkin", country: "DE", now: T0 + 2 * DAY, confirmAt: T0 + 2 * DAY + 10 });
      await createPendingSigner(db, { email: "dora+petition@other.example", name: "Dora Anna", country: "UA", now: T0 + 3 * DAY });
    });
    const names = (filters: Parameters<typeof searchSignatures>[0]["filters"]) =>
      searchSignatures({ actor: admin, filters, db }).rows.map((row) => row.name);

    it("lists everything newest first with what organizers need, and nothing more", () => {
      const { rows, nextCursor } = searchSignatures({ actor: admin, filters: {}, db });
      expect(rows.map((row) => row.name)).toEqual(["Dora Anna", "Clara Zetkin", "Борис Пастернак", "Anna Karenina"]);
      expect(nextCursor).toBeUndefined();
      expect(Object.keys(rows[0]!).sort()).toEqual(
        ["city", "country", "createdAt", "email", "id", "invalidatedAt", "invalidationReason", "isPublicName", "name", "referredBy", "status", "utmSource", "verifiedAt"].sort(),
      );
    });

    it.each<[Parameters<typeof searchSignatures>[0]["filters"], string[]]>([
      [{ q: "anna" }, ["Dora Anna", "Anna Karenina"]],
      [{ q: "MAIL.EXAMPLE" }, ["Clara Zetkin", "Борис Пастернак"]],
      [{ q: "борис" }, ["Борис Пастернак"]],
      [{ email: "anna.k@" }, ["Anna Karenina"]],
      // The same mailbox spelled differently finds the signature by its key.
      [{ email: "AnnaK+x@googlemail.com" }, ["Anna Karenina"]],
      [{ email: "dora+petition" }, ["Dora Anna"]],
      [{ email: "dora@other.example" }, ["Dora Anna"]],
      [{ name: "ПАСТЕР" }, ["Борис Пастернак"]],
      [{ name: "zetkin" }, ["Clara Zetkin"]],
      [{ country: "ru" }, ["Борис Пастернак", "Anna Karenina"]],
      [{ status: "verified" }, ["Clara Zetkin", "Anna Karenina"]],
      [{ from: "2026-11-22", to: "2026-11-23" }, ["Clara Zetkin", "Борис Пастернак"]],
      [{ from: "2026-11-24" }, ["Dora Anna"]],
      [{ to: "2026-11-21" }, ["Anna Karenina"]],
      [{ country: "RU", status: "pending" }, ["Борис Пастернак"]],
      [{ q: "anna", country: "UA" }, ["Dora Anna"]],
      [{ name: "%" }, []],
      [{ email: "_" }, []],
    ])("filters %j → %j", (filters, expected) => {
      expect(names(filters)).toEqual(expected);
    });

    it("pages by keyset without gaps or repeats, even when rows share a creation time", async () => {
      for (let i = 0; i < 5; i += 1) await createPendingSigner(db, { email: `same${i}@example.org`, now: T0 + 5 * DAY });
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = searchSignatures({ actor: admin, filters: { limit: 3, cursor }, db });
        seen.push(...page.rows.map((row) => row.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      const all = db.select({ id: signatures.id, createdAt: signatures.createdAt }).from(signatures).all();
      const expected = all.sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).map((row) => row.id);
      expect(seen).toEqual(expected);
      expect(pages).toBe(3);
    });

    it("answers a wrong filter with INVALID and its code, never a crash", () => {
      expect(caughtAppError(() => searchSignatures({ actor: admin, filters: { country: "ZZ" }, db }))).toMatchObject({
        code: "INVALID",
        messageKey: "countryInvalid",
        details: { country: "countryInvalid" },
      });
      expect(caughtAppError(() => searchSignatures({ actor: admin, filters: { from: "2026-12-01", to: "2026-11-01" }, db })).messageKey).toBe("rangeInvalid");
      expect(caughtAppError(() => searchSignatures({ actor: admin, filters: null as never, db })).code).toBe("INVALID");
    });

    it("shows one signature in full, and NOT_FOUND for one that does not exist", async () => {
      const id = (await createPendingSigner(db, { email: "eve@example.org", name: "Eve", country: "FR", ipHash: "iphash-1", now: T0 })).id;
      expect(getSignatureDetail({ actor: admin, id, db })).toMatchObject({
        id,
        name: "Eve",
        email: "eve@example.org",
        country: "FR",
        status: "pending",
        ipHash: "iphash-1",
        locale: "en",
        refCode: expect.stringMatching(/^[a-z2-9]{10}$/),
        referredBy: null,
        consentVersion: expect.any(String),
        wantsUpdates: false,
        invalidatedBy: null,
      });
      for (const missing of [9999, 0, -1, 1.5, Number.NaN]) {
        expect(caughtAppError(() => getSignatureDetail({ actor: admin, id: missing, db })).code).toBe("NOT_FOUND");
      }
    });
  });

  describe("invalidating and restoring one signature", () => {
    it("a verified one leaves total, country and its verification day, and comes back to the same day", async () => {
      const id = (await createVerifiedSigner(db, { email: "anna@example.org", country: "UA", isPublicName: true, now: T0 - 2 * DAY, confirmAt: T0 - DAY })).id;
      await createVerifiedSigner(db, { email: "other@example.org", country: "UA", now: T0, confirmAt: T0 + 1 });
      expect(readCounters(db)).toEqual({ "total:": 2, "country:UA": 2, "day:2026-11-20": 1, "day:2026-11-21": 1, "status:verified": 2 });

      const invalidated = invalidateSignature({ actor: admin, id, reason: "  same person twice ", db, now: T0 + 5 * DAY });
      expect(invalidated).toMatchObject({ id, status: "invalidated", invalidatedAt: T0 + 5 * DAY, invalidationReason: "same person twice", verifiedAt: T0 - DAY });
      expect(db.select().from(signatures).where(eq(signatures.id, id)).get()?.invalidatedBy).toBe((admin as { id: number }).id);
      expect(readCounters(db)).toEqual({ "total:": 1, "country:UA": 1, "day:2026-11-21": 1, "status:verified": 1, "status:invalidated": 1 });
      expect(getStats({ db }).total).toBe(1);
      expect(listPublicSigners({ db }).signers.map((signer) => signer.id)).not.toContain(id);

      const [audit] = readAuditRows(db, "signature.invalidate");
      expect(audit).toMatchObject({
        actorUserId: (admin as { id: number }).id,
        actorEmail: "admin@organizers.example",
        targetType: "signature",
        targetId: String(id),
        rowCount: 1,
        createdAt: T0 + 5 * DAY,
      });
      expect(JSON.parse(audit!.details!)).toEqual({ reason: "same person twice", previousStatus: "verified" });
      expect(audit!.details).not.toContain("anna@example.org");

      const restored = restoreSignature({ actor: owner, id, db, now: T0 + 9 * DAY });
      expect(restored).toMatchObject({ id, status: "verified", verifiedAt: T0 - DAY, invalidatedAt: null, invalidationReason: null });
      expect(db.select().from(signatures).where(eq(signatures.id, id)).get()?.invalidatedBy).toBeNull();
      expect(readCounters(db)).toEqual({ "total:": 2, "country:UA": 2, "day:2026-11-20": 1, "day:2026-11-21": 1, "status:verified": 2 });
      expect(readCounters(db)).toEqual(recountCounters(db));
      const [restoreAudit] = readAuditRows(db, "signature.restore");
      expect(restoreAudit).toMatchObject({ actorEmail: "owner@organizers.example", targetId: String(id), createdAt: T0 + 9 * DAY });
      expect(JSON.parse(restoreAudit!.details!)).toEqual({ restoredTo: "verified", invalidationReason: "same person twice" });
    });

    it("a pending one moves only the status counters, and is restored to pending", async () => {
      const id = (await createPendingSigner(db, { email: "anna@example.org", now: T0 })).id;
      invalidateSignature({ actor: admin, id, reason: "disposable address", db, now: T0 + 1 });
      expect(readCounters(db)).toEqual({ "status:invalidated": 1 });
      expect(readCounter(db, "total", "")).toBe(0);
      expect(JSON.parse(readAuditRows(db, "signature.invalidate")[0]!.details!)).toEqual({ reason: "disposable address", previousStatus: "pending" });

      expect(restoreSignature({ actor: admin, id, db }).status).toBe("pending");
      expect(readCounters(db)).toEqual({ "status:pending": 1 });
      expect(JSON.parse(readAuditRows(db, "signature.restore")[0]!.details!)).toMatchObject({ restoredTo: "pending" });
    });

    it("invalidating twice and restoring what is not invalidated are harmless no-ops", async () => {
      const id = (await createVerifiedSigner(db, { email: "anna@example.org", now: T0, confirmAt: T0 + 1 })).id;
      expect(restoreSignature({ actor: admin, id, db }).status).toBe("verified");
      invalidateSignature({ actor: admin, id, reason: "first reason", db, now: T0 + 2 });
      const again = invalidateSignature({ actor: admin, id, reason: "second reason", db, now: T0 + 3 });
      expect(again).toMatchObject({ status: "invalidated", invalidationReason: "first reason", invalidatedAt: T0 + 2 });
      expect(readAuditRows(db, "signature.invalidate")).toHaveLength(1);
      expect(readAuditRows(db, "signature.restore")).toHaveLength(0);
      expect(readCounters(db)).toEqual(recountCounters(db));
      restoreSignature({ actor: admin, id, db });
      restoreSignature({ actor: admin, id, db });
      expect(readAuditRows(db, "signature.restore")).toHaveLength(1);
      expect(readCounters(db)).toEqual({ "total:": 1, "country:DE": 1, "day:2026-11-21": 1, "status:verified": 1 });
    });

    it("refuses a withdrawn signature with CONFLICT", async () => {
      const id = (await createVerifiedSigner(db, { email: "anna@example.org", now: T0, confirmAt: T0 + 1 })).id;
      db.transaction((tx) => {
        const row = tx.select().from(signatures).where(eq(signatures.id, id)).get()!;
        changeSignatureStatus(tx, { signature: row, transition: "withdraw" });
      });
      const before = readCounters(db);
      expect(caughtAppError(() => invalidateSignature({ actor: admin, id, reason: "fraud", db }))).toMatchObject({ code: "CONFLICT", messageKey: "signatureWithdrawn" });
      expect(caughtAppError(() => restoreSignature({ actor: admin, id, db }))).toMatchObject({ code: "CONFLICT", messageKey: "signatureWithdrawn" });
      expect(db.select().from(signatures).get()?.status).toBe("withdrawn");
      expect(readCounters(db)).toEqual(before);
      expect(db.select().from(auditLog).all()).toEqual([]);
    });

    it("needs a reason and an existing signature", async () => {
      const id = (await createPendingSigner(db, { email: "anna@example.org", now: T0 })).id;
      for (const reason of ["", "  ", "ab", undefined]) {
        expect(caughtAppError(() => invalidateSignature({ actor: admin, id, reason, db }))).toMatchObject({ code: "INVALID", messageKey: "reasonRequired" });
      }
      expect(caughtAppError(() => invalidateSignature({ actor: admin, id: 404, reason: "fraud", db })).code).toBe("NOT_FOUND");
      expect(caughtAppError(() => restoreSignature({ actor: admin, id: 404, db })).code).toBe("NOT_FOUND");
      expect(db.select().from(signatures).get()?.status).toBe("pending");
    });

    it("an invalidated pending signature cannot be confirmed until it is restored", async () => {
      const { id, confirmToken: token } = await createPendingSigner(db, { email: "anna@example.org", now: T0 });
      invalidateSignature({ actor: admin, id, reason: "suspicious burst", db });
      await expect(submitConfirmation({ token, db, now: T0 + 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
      restoreSignature({ actor: admin, id, db });
      expect(await submitConfirmation({ token, db, now: T0 + 2 })).toBe("ready");
      expect(readCounters(db)).toEqual(recountCounters(db));
      expect(readCounter(db, "total", "")).toBe(1);
    });
  });

  describe("bulk invalidation", () => {
    beforeEach(async () => {
      await createVerifiedSigner(db, { email: "a1@spam.example", name: "Bot One", country: "DE", ipHash: "ip-A", now: T0, confirmAt: T0 + 1 });
      await createVerifiedSigner(db, { email: "a2@SPAM.example", name: "Bot Two", country: "DE", ipHash: "ip-A", now: T0 + 60_000, confirmAt: T0 + DAY });
      await createPendingSigner(db, { email: "a3@spam.example", name: "Bot Three", country: "FR", ipHash: "ip-B", now: T0 + 120_000 });
      await createVerifiedSigner(db, { email: "real@fine.example", name: "Real Person", country: "DE", ipHash: "ip-A", now: T0 + 180_000, confirmAt: T0 + 2 });
      await createVerifiedSigner(db, { email: "x@sub.spam.example", name: "Sub Domain", country: "DE", now: T0 + 240_000, confirmAt: T0 + 3 });
    });

    it("does exactly what its preview said, with one audit row", () => {
      const filter = { emailDomain: "spam.example" };
      const preview = previewBulkInvalidation({ actor: admin, filter, db });
      expect(preview).toMatchObject({ count: 3, byStatus: { pending: 1, verified: 2 }, byCountry: { DE: 2, FR: 1 } });
      expect(preview.sample.map((row) => row.email)).toEqual(["a3@spam.example", "a2@SPAM.example", "a1@spam.example"]);
      expect(Object.keys(preview.sample[0]!).sort()).toEqual(["country", "createdAt", "email", "id", "name", "status"]);

      const result = bulkInvalidate({ actor: admin, filter, reason: "spam wave from one domain", expectedCount: preview.count, db, now: T0 + 7 * DAY });
      expect(result).toEqual({ invalidated: 3 });
      const invalidated = db.select().from(signatures).where(eq(signatures.status, "invalidated")).all();
      expect(invalidated.map((row) => row.email).sort()).toEqual(preview.sample.map((row) => row.email).sort());
      for (const row of invalidated) {
        expect(row).toMatchObject({ invalidatedAt: T0 + 7 * DAY, invalidationReason: "spam wave from one domain", invalidatedBy: (admin as { id: number }).id });
      }
      expect(readCounters(db)).toEqual(recountCounters(db));
      expect(readCounters(db)).toMatchObject({ "total:": 2, "country:DE": 2, "day:2026-11-21": 2, "status:invalidated": 3, "status:verified": 2 });
      expect(readCounters(db)["day:2026-11-22"]).toBeUndefined();

      const [audit, ...more] = readAuditRows(db, "signature.bulkInvalidate");
      expect(more).toEqual([]);
      expect(audit).toMatchObject({ actorEmail: "admin@organizers.example", rowCount: 3, createdAt: T0 + 7 * DAY, targetId: null });
      expect(JSON.parse(audit!.details!)).toEqual({
        filter: { emailDomain: "spam.example", statuses: ["pending", "verified"] },
        reason: "spam wave from one domain",
      });
      expect(audit!.details).not.toMatch(/a\d@/);
      // Already invalidated rows are no longer matched.
      expect(previewBulkInvalidation({ actor: admin, filter, db }).count).toBe(0);
    });

    it.each<[Parameters<typeof previewBulkInvalidation>[0]["filter"], string[]]>([
      [{ ipHash: "ip-A" }, ["a1@spam.example", "a2@SPAM.example", "real@fine.example"]],
      [{ ipHash: "ip-A", statuses: ["pending"] }, []],
      [{ country: "FR" }, ["a3@spam.example"]],
      [{ namePattern: "bot*o" }, ["a1@spam.example", "a2@SPAM.example"]],
      [{ namePattern: "BOT" }, ["a1@spam.example", "a2@SPAM.example", "a3@spam.example"]],
      [{ from: "2026-11-21T10:01Z", to: "2026-11-21T10:03:00Z" }, ["a2@SPAM.example", "a3@spam.example", "real@fine.example"]],
      [{ from: "2026-11-21" }, ["a1@spam.example", "a2@SPAM.example", "a3@spam.example", "real@fine.example", "x@sub.spam.example"]],
      [{ to: "2026-11-20" }, []],
      [{ emailDomain: "sub.spam.example", country: "DE" }, ["x@sub.spam.example"]],
      [{ country: "DE", statuses: ["pending"] }, []],
    ])("matches %j → %j", (filter, emails) => {
      const preview = previewBulkInvalidation({ actor: admin, filter, db });
      expect(preview.sample.map((row) => row.email).sort()).toEqual([...emails].sort());
      expect(preview.count).toBe(emails.length);
    });

    it("refuses with countChanged when the matches changed since the preview, and changes nothing", async () => {
      const filter = { emailDomain: "spam.example" };
      const preview = previewBulkInvalidation({ actor: admin, filter, db });
      await createPendingSigner(db, { email: "a4@spam.example", name: "Bot Four", country: "DE", now: T0 + 300_000 });
      const before = { rows: db.select().from(signatures).all(), counters: readCounters(db) };
      expect(caughtAppError(() => bulkInvalidate({ actor: admin, filter, reason: "spam wave", expectedCount: preview.count, db }))).toMatchObject({
        code: "CONFLICT",
        messageKey: "countChanged",
        details: { count: "4" },
      });
      expect({ rows: db.select().from(signatures).all(), counters: readCounters(db) }).toEqual(before);
      expect(readAuditRows(db, "signature.bulkInvalidate")).toEqual([]);
      expect(bulkInvalidate({ actor: admin, filter, reason: "spam wave", expectedCount: 4, db })).toEqual({ invalidated: 4 });
    });

    it("refuses to run without a narrowing filter, or with a wrong one, as INVALID with a code", () => {
      const before = db.select().from(signatures).all();
      for (const filter of [{}, { statuses: ["verified" as const] }, { country: "", namePattern: " " }]) {
        expect(caughtAppError(() => previewBulkInvalidation({ actor: admin, filter, db }))).toMatchObject({ code: "INVALID", messageKey: "filterRequired" });
        expect(caughtAppError(() => bulkInvalidate({ actor: admin, filter, reason: "everything", expectedCount: 5, db }))).toMatchObject({
          code: "INVALID",
          messageKey: "filterRequired",
        });
      }
      expect(caughtAppError(() => bulkInvalidate({ actor: admin, filter: { from: "2026-11-22", to: "2026-11-21" }, reason: "spam", expectedCount: 0, db }))).toMatchObject({
        code: "INVALID",
        messageKey: "rangeInvalid",
        details: { to: "rangeInvalid" },
      });
      expect(caughtAppError(() => bulkInvalidate({ actor: admin, filter: { country: "DE" }, reason: "", expectedCount: 3, db })).messageKey).toBe("reasonRequired");
      expect(caughtAppError(() => bulkInvalidate({ actor: admin, filter: { country: "DE" }, reason: "spam", expectedCount: -1, db })).code).toBe("INVALID");
      expect(caughtAppError(() => previewBulkInvalidation({ actor: admin, filter: "country=DE" as never, db })).code).toBe("INVALID");
      expect(db.select().from(signatures).all()).toEqual(before);
      expect(db.select().from(auditLog).all()).toEqual([]);
    });

    it("treats % and _ in a name pattern literally", async () => {
      await createPendingSigner(db, { email: "lit@example.org", name: "Big 50%_off sale", now: T0 });
      await createPendingSigner(db, { email: "pct@example.org", name: "Big 50%Xoff sale", now: T0 });
      await createPendingSigner(db, { email: "any@example.org", name: "Big 50abcoff sale", now: T0 });
      await createPendingSigner(db, { email: "under@example.org", name: "Big 50X_off sale", now: T0 });
      const preview = previewBulkInvalidation({ actor: admin, filter: { namePattern: "50%_off" }, db });
      expect(preview.sample.map((row) => row.email)).toEqual(["lit@example.org"]);
      expect(bulkInvalidate({ actor: admin, filter: { namePattern: "50%_off" }, reason: "test literal", expectedCount: 1, db })).toEqual({ invalidated: 1 });
      expect(db.select().from(signatures).where(eq(signatures.status, "invalidated")).all().map((row) => row.email)).toEqual(["lit@example.org"]);
      // `*` is the wildcard organizers type.
      expect(previewBulkInvalidation({ actor: admin, filter: { namePattern: "50*off" }, db }).count).toBe(3);
    });

    it("a restored bulk-invalidated signature counts again on its own day", () => {
      const preview = previewBulkInvalidation({ actor: admin, filter: { ipHash: "ip-A" }, db });
      bulkInvalidate({ actor: admin, filter: { ipHash: "ip-A" }, reason: "one machine", expectedCount: preview.count, db });
      const real = db.select().from(signatures).where(eq(signatures.email, "real@fine.example")).get()!;
      restoreSignature({ actor: admin, id: real.id, db });
      expect(readCounters(db)).toEqual(recountCounters(db));
      expect(readCounter(db, "day", "2026-11-21")).toBe(2);
    });
  });

  it("invalidates a burst of 50,000 signatures in one go, counters exact", () => {
    const countries = ["DE", "UA", "RU", "GB", "FR"];
    insertSignatureRows(
      db,
      (function* () {
        for (let i = 0; i < 60_000; i += 1) {
          const isVerified = i % 3 !== 0;
          const createdAt = T0 + i * 10_000;
          yield {
            email: i < 50_000 ? `bot${i}@burst.example` : `person${i}@example.org`,
            name: `Signer ${i}`,
            country: countries[i % countries.length],
            status: isVerified ? ("verified" as const) : ("pending" as const),
            ipHash: i < 50_000 ? "ip-burst" : `ip-${i}`,
            createdAt,
            verifiedAt: isVerified ? createdAt + (i % 7) * 3_600_000 : null,
          };
        }
      })(),
      { now: T0 },
    );
    expect(readCounters(db)).toEqual(recountCounters(db));

    const filter = { emailDomain: "burst.example", ipHash: "ip-burst", namePattern: "signer*" };
    const started = performance.now();
    const preview = previewBulkInvalidation({ actor: admin, filter, db });
    const result = bulkInvalidate({ actor: admin, filter, reason: "scripted burst", expectedCount: preview.count, db });
    const elapsed = performance.now() - started;

    expect(preview.count).toBe(50_000);
    expect(result).toEqual({ invalidated: 50_000 });
    expect(readCounters(db)).toEqual(recountCounters(db));
    expect(readCounter(db, "status", "invalidated")).toBe(50_000);
    expect(readAuditRows(db, "signature.bulkInvalidate")).toHaveLength(1);
    expect(elapsed).toBeLessThan(5_000);
  });
});
