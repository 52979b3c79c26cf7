import { and, eq } from "drizzle-orm";
import { authenticator } from "otplib";
import { beforeEach, describe, expect, it } from "vitest";
import type { AppDatabase } from "@/db/client";
import { auditLog, users } from "@/db/schema";
import { SYSTEM, type Actor } from "@/server/auth/actor";
import { AppError } from "@/server/errors";
import { forbidRealClock } from "@/test/clock";
import { setUpTestDatabase } from "@/test/database";
import { createOrganizerAccount, TEST_ORGANIZER_PASSWORD as PASSWORD } from "@/test/factories";
import { authenticateOrganizer } from "./authenticate-organizer";
import {
  beginTotpSetup,
  confirmTotpSetup,
  countRecoveryCodes,
  disableTotp,
  getRequireTotpForAll,
  resetTotp,
  setRequireTotpForAll,
  verifySecondFactor,
} from "./second-factor";

/** Every call gets this test's `now`; each code typed moves it on by one 30-second step. */
const T0 = Date.UTC(2026, 5, 1, 9, 0, 10);
const STEP_MS = 30_000;

let db: AppDatabase;
let now: number;

setUpTestDatabase((opened) => ({ db } = opened));
beforeEach(() => {
  now = T0;
});

/** The code an authenticator app shows at `at`. */
function codeAt(secret: string, at = now): string {
  return authenticator.clone({ epoch: at }).generate(secret);
}

/** The next 30-second step begins: its code has not been used yet. */
function nextStep(): void {
  now += STEP_MS;
}

/** Sets TOTP up the way the account page does; returns the secret and the recovery codes. The setup code's step is then over. */
function enrol(actor: Actor): { secret: string; recoveryCodes: string[] } {
  const { secret } = beginTotpSetup({ actor, db });
  const { recoveryCodes } = confirmTotpSetup({ actor, secret, code: codeAt(secret), db, now });
  nextStep();
  return { secret, recoveryCodes };
}

function userRow(id: number) {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  if (!row) throw new Error("no such user");
  return row;
}

/** A six-digit code that is not the current one (nor, almost surely, a neighbour's). */
function wrongCode(secret: string): string {
  return String((Number(codeAt(secret)) + 500_000) % 1_000_000).padStart(6, "0");
}

function actions(email: string): { action: string; reason?: string }[] {
  return db
    .select()
    .from(auditLog)
    .where(eq(auditLog.actorEmail, email))
    .all()
    .map((row) => ({ action: row.action, ...(row.details ? { reason: (JSON.parse(row.details) as { reason?: string }).reason } : {}) }));
}

async function signIn(email: string, options: { password?: string; totp?: string; clientKey?: string } = {}) {
  return authenticateOrganizer({ email, password: options.password ?? PASSWORD, totp: options.totp, clientKey: options.clientKey ?? "client-1", db, now });
}

async function signInError(email: string, options: { password?: string; totp?: string } = {}): Promise<AppError> {
  const error = await signIn(email, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe("setting up a second factor", () => {
  forbidRealClock();

  it("stores nothing until a code from the app confirms the secret", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret, otpauthUrl } = beginTotpSetup({ actor: anna, db });
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(decodeURIComponent(url.pathname)).toBe("/Undersigned:anna@example.test");
    expect(url.searchParams.get("secret")).toBe(secret);
    expect(url.searchParams.get("issuer")).toBe("Undersigned");
    expect(userRow(anna.id).totpSecret).toBeNull();

    expect(() => confirmTotpSetup({ actor: anna, secret, code: wrongCode(secret), db, now })).toThrow(expect.objectContaining({ messageKey: "totpCodeWrong" }));
    expect(() => confirmTotpSetup({ actor: anna, secret: "not base32!", code: "123456", db, now })).toThrow(expect.objectContaining({ messageKey: "totpSetupExpired" }));
    expect(userRow(anna.id).totpSecret).toBeNull();

    const { recoveryCodes } = confirmTotpSetup({ actor: anna, secret, code: codeAt(secret), db, now });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const row = userRow(anna.id);
    expect(row.totpSecret).toBe(secret);
    const stored = JSON.parse(row.recoveryCodeHashes ?? "[]") as string[];
    expect(stored).toHaveLength(10);
    // Only hashes are kept.
    for (const code of recoveryCodes) expect(row.recoveryCodeHashes).not.toContain(code);
    expect(stored.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(actions("anna@example.test").map((entry) => entry.action)).toContain("organizer.totpEnabled");
    expect(() => beginTotpSetup({ actor: anna, db })).toThrow(expect.objectContaining({ messageKey: "totpAlreadyEnabled" }));
  });

  it("is only for signed-in organizers, for themselves", () => {
    expect(() => beginTotpSetup({ actor: SYSTEM, db })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });
});

describe("verifySecondFactor", () => {
  forbidRealClock();

  it("accepts the current code and refuses a wrong one", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    const user = userRow(anna.id);
    expect(verifySecondFactor(user, codeAt(secret), { db, now })).toBe("totp");
    nextStep();
    expect(verifySecondFactor(user, ` ${codeAt(secret).slice(0, 3)} ${codeAt(secret).slice(3)} `, { db, now })).toBe("totp");
    nextStep();
    expect(verifySecondFactor(user, wrongCode(secret), { db, now })).toBeNull();
    expect(verifySecondFactor(user, "", { db, now })).toBeNull();
    expect(verifySecondFactor(user, undefined, { db, now })).toBeNull();
  });

  it("accepts each recovery code once, however it is typed", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { recoveryCodes } = enrol(anna);
    const [first, second] = recoveryCodes as [string, string];
    expect(verifySecondFactor(userRow(anna.id), first, { db, now })).toBe("recovery");
    expect(verifySecondFactor(userRow(anna.id), first, { db, now })).toBeNull();
    expect(verifySecondFactor(userRow(anna.id), ` ${second.toUpperCase().replace("-", "")} `, { db, now })).toBe("recovery");
    expect(countRecoveryCodes({ actor: anna, db })).toBe(8);
  });

  it("refuses anything for an account without a second factor", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    expect(verifySecondFactor(userRow(anna.id), "123456", { db, now })).toBeNull();
  });
});

describe("signing in with a second factor", () => {
  forbidRealClock();

  it("asks for the code after a right password, refuses a wrong one and accepts the right one", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);

    expect(await signInError("anna@example.test")).toMatchObject({ code: "UNAUTHENTICATED", messageKey: "totpRequired" });
    expect(await signInError("anna@example.test", { totp: wrongCode(secret) })).toMatchObject({ code: "UNAUTHENTICATED", messageKey: "totpInvalid" });
    // A wrong password never reveals whether a code is needed.
    expect(await signIn("anna@example.test", { password: "the wrong password", totp: codeAt(secret) })).toBeNull();
    expect(await signIn("anna@example.test", { totp: codeAt(secret) })).toMatchObject({ id: anna.id, role: "admin" });
  });

  it("lets a recovery code in once", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { recoveryCodes } = enrol(anna);
    const code = recoveryCodes[0]!;
    expect(await signIn("anna@example.test", { totp: code })).toMatchObject({ id: anna.id });
    expect(await signInError("anna@example.test", { totp: code })).toMatchObject({ messageKey: "totpInvalid" });
  });

  it("counts wrong codes toward the per-account limit", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await signInError("anna@example.test", { totp: wrongCode(secret) })).toMatchObject({ messageKey: "totpInvalid" });
    }
    // Even the right code is now refused without being looked at.
    expect(await signInError("anna@example.test", { totp: codeAt(secret) })).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("does not count the step that asks for the code", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    for (let attempt = 0; attempt < 6; attempt++) {
      expect(await signInError("anna@example.test")).toMatchObject({ messageKey: "totpRequired" });
    }
    expect(await signIn("anna@example.test", { totp: codeAt(secret) })).toMatchObject({ id: anna.id });
  });

  it("writes every success and failure to the audit log", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    await createOrganizerAccount(db, { email: "boris@example.test", role: "admin", now });
    expect(await signIn("boris@example.test")).toMatchObject({ email: "boris@example.test" });
    expect(await signIn("boris@example.test", { password: "the wrong password" })).toBeNull();
    expect(await signIn("nobody@example.test")).toBeNull();
    const { secret, recoveryCodes } = enrol(anna);
    await signInError("anna@example.test");
    await signInError("anna@example.test", { totp: wrongCode(secret) });
    await signIn("anna@example.test", { totp: codeAt(secret) });
    await signIn("anna@example.test", { totp: recoveryCodes[0] });

    expect(actions("boris@example.test").filter((entry) => entry.action.startsWith("login."))).toEqual([
      { action: "login.success" },
      { action: "login.failure", reason: "wrong password" },
    ]);
    expect(actions("nobody@example.test")).toEqual([{ action: "login.failure", reason: "unknown account" }]);
    const rows = db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, anna.id)))
      .all()
      .filter((row) => row.action.startsWith("login."))
      .map((row) => [row.action, row.details ? JSON.parse(row.details) : null]);
    expect(rows).toEqual([
      ["login.secondFactorAsked", null],
      ["login.failure", { reason: "second factor" }],
      ["login.success", { secondFactor: "totp" }],
      ["login.success", { secondFactor: "recovery" }],
    ]);
  });
});

describe("a code from the app works once (decision 0018)", () => {
  forbidRealClock();

  it("refuses the same code a second time within its window, and any earlier step after a later one", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    const code = codeAt(secret);
    expect(await signIn("anna@example.test", { totp: code })).toMatchObject({ id: anna.id });
    expect(await signInError("anna@example.test", { totp: code })).toMatchObject({ code: "UNAUTHENTICATED", messageKey: "totpInvalid" });
    // Ten seconds on, the same code is still in its window: still refused.
    now += 10_000;
    expect(await signInError("anna@example.test", { totp: code })).toMatchObject({ messageKey: "totpInvalid" });
    // The app's next code (one step ahead, allowed for clock drift) is new: it works; then the current one is behind it.
    const ahead = codeAt(secret, now + STEP_MS);
    expect(await signIn("anna@example.test", { totp: ahead })).toMatchObject({ id: anna.id });
    expect(await signInError("anna@example.test", { totp: codeAt(secret) })).toMatchObject({ messageKey: "totpInvalid" });
    expect(userRow(anna.id).totpLastStep).toBe(Math.floor(now / STEP_MS) + 1);
    expect(actions("anna@example.test").filter((entry) => entry.reason === "second factor")).toHaveLength(3);
  });

  it("lets only one of two sign-ins racing with the same code in", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    const code = codeAt(secret);
    const outcomes = await Promise.allSettled([signIn("anna@example.test", { totp: code }), signIn("anna@example.test", { totp: code })]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled" && outcome.value?.id === anna.id)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "rejected" && (outcome.reason as AppError).messageKey === "totpInvalid")).toHaveLength(1);
  });

  it("uses up the code that confirmed the setup, and the code that turned the factor off", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = beginTotpSetup({ actor: anna, db });
    const setupCode = codeAt(secret);
    confirmTotpSetup({ actor: anna, secret, code: setupCode, db, now });
    expect(await signInError("anna@example.test", { totp: setupCode })).toMatchObject({ messageKey: "totpInvalid" });
    nextStep();
    const code = codeAt(secret);
    expect(verifySecondFactor(userRow(anna.id), code, { db, now })).toBe("totp");
    expect(() => disableTotp({ actor: anna, code, db, now })).toThrow(expect.objectContaining({ messageKey: "totpCodeWrong" }));
  });
});

describe("turning a second factor off", () => {
  forbidRealClock();

  it("needs a current code", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    expect(() => disableTotp({ actor: anna, code: wrongCode(secret), db, now })).toThrow(expect.objectContaining({ messageKey: "totpCodeWrong" }));
    disableTotp({ actor: anna, code: codeAt(secret), db, now });
    expect(userRow(anna.id)).toMatchObject({ totpSecret: null, recoveryCodeHashes: null });
    expect(actions("anna@example.test").map((entry) => entry.action)).toContain("organizer.totpDisabled");
    expect(() => disableTotp({ actor: anna, code: "123456", db, now })).toThrow(expect.objectContaining({ messageKey: "totpNotEnabled" }));
    expect(await signIn("anna@example.test")).toMatchObject({ id: anna.id });
  });

  it("is the operator's way back when the phone and the codes are lost", async () => {
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    enrol(anna);
    expect(resetTotp({ actor: SYSTEM, email: "ANNA@example.test", db, now })).toEqual({ email: "anna@example.test" });
    expect(userRow(anna.id).totpSecret).toBeNull();
    const row = db.select().from(auditLog).where(eq(auditLog.action, "organizer.totpReset")).get();
    expect(row).toMatchObject({ actorEmail: "system (command line)", targetId: String(anna.id) });
    expect(() => resetTotp({ actor: anna, email: "anna@example.test", db, now })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(() => resetTotp({ actor: SYSTEM, email: "nobody@example.test", db, now })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});

describe("requiring a second factor of everyone", () => {
  forbidRealClock();

  it("is off by default, owners switch it, and it is audited", async () => {
    const owner = await createOrganizerAccount(db, { email: "owner@example.test", role: "owner", now });
    const admin = await createOrganizerAccount(db, { email: "admin@example.test", role: "admin", now });
    expect(getRequireTotpForAll({ db })).toBe(false);
    expect(() => setRequireTotpForAll({ actor: admin, required: true, db, now })).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
    expect(getRequireTotpForAll({ db })).toBe(false);

    setRequireTotpForAll({ actor: owner, required: true, db, now });
    expect(getRequireTotpForAll({ db })).toBe(true);
    setRequireTotpForAll({ actor: owner, required: false, db, now });
    expect(getRequireTotpForAll({ db })).toBe(false);
    setRequireTotpForAll({ actor: owner, required: true, db, now });
    expect(
      db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, "settings.requireTotp"))
        .all()
        .map((row) => JSON.parse(row.details ?? "{}")),
    ).toEqual([{ required: true }, { required: false }, { required: true }]);
  });

  it("still lets someone without a second factor sign in (to set it up), and keeps those who have one from turning it off", async () => {
    const owner = await createOrganizerAccount(db, { email: "owner@example.test", role: "owner", now });
    const anna = await createOrganizerAccount(db, { email: "anna@example.test", role: "admin", now });
    const { secret } = enrol(anna);
    setRequireTotpForAll({ actor: owner, required: true, db, now });
    expect(await signIn("owner@example.test")).toMatchObject({ id: owner.id });
    expect(() => disableTotp({ actor: anna, code: codeAt(secret), db, now })).toThrow(
      expect.objectContaining({ messageKey: "totpRequiredForAll" }),
    );
    expect(userRow(anna.id).totpSecret).toBe(secret);
  });
});
