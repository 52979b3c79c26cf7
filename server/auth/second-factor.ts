import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { authenticator } from "otplib";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { appSettings, users, type User } from "@/db/schema";
import { OrganizerEmailSchema } from "@/lib/schemas/organizer";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { toAuditActor, type Actor } from "./actor";
import { assertCan } from "./permissions";

// Why a TOTP second factor, recovery codes and an owner-wide switch: docs/decisions/0010-second-factor.md.

export const TOTP_ISSUER = "Undersigned";
export const RECOVERY_CODE_COUNT = 10;
const REQUIRE_TOTP_KEY = "requireTotp";

/** 30-second steps, 6 digits; one step either side forgives a phone clock a little off. */
const totp = authenticator.clone({ window: 1 });
const TOTP_STEP_MS = 30_000;

const BASE32_SECRET = /^[A-Z2-7]{16,64}$/;
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

type Organizer = Extract<Actor, { kind: "organizer" }>;
type SecondFactorUser = Pick<User, "id" | "email" | "totpSecret" | "recoveryCodeHashes">;

function assertOrganizer(actor: Actor): asserts actor is Organizer {
  if (actor.kind !== "organizer") throw new AppError("FORBIDDEN", "forbidden");
}

/** What a person typed, without spaces or dashes, lower case: "ABCDE-12345 " and "abcde12345" are one code. */
function normalizeCode(code: unknown): string {
  return typeof code === "string" ? code.slice(0, 64).replace(/[\s-]/g, "").toLowerCase() : "";
}

function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(normalizeCode(code)).digest("hex");
}

function parseHashes(json: string | null): string[] {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}

/** Ten codes like `k7m2p-x9qhr`: 50 bits each, typed once when the phone is lost. */
function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The 30-second step whose code `code` is, within one step of `now`; null when it is none of them. */
function findTotpStep(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const delta = totp.clone({ epoch: now }).checkDelta(code, secret);
    return delta === null ? null : Math.floor(now / TOTP_STEP_MS) + delta;
  } catch {
    return null;
  }
}

function getUser(db: AppDatabase | Transaction, id: number): User {
  const user = db.select().from(users).where(eq(users.id, id)).get();
  if (!user) throw new AppError("NOT_FOUND", "organizerNotFound");
  return user;
}

/**
 * Checks a second factor: a current TOTP code (one step either side) of a
 * step later than the last one accepted, which it then becomes, or an
 * unused recovery code, which is then crossed off. Returns which one
 * matched, or null. Called by sign-in and by `disableTotp`, for the
 * account's owner.
 */
export function verifySecondFactor(
  user: SecondFactorUser,
  code: unknown,
  options: { db?: AppDatabase | Transaction; now?: number } = {},
): "totp" | "recovery" | null {
  if (!user.totpSecret) return null;
  const typed = normalizeCode(code);
  if (!typed) return null;
  const db = options.db ?? getDb();
  const step = findTotpStep(user.totpSecret, typed, options.now ?? Date.now());
  if (step !== null) {
    // One conditional write: of two requests with the same code, only the first moves the step on (decision 0018).
    const taken = db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .run();
    return taken.changes === 1 ? "totp" : null;
  }
  const hash = hashRecoveryCode(typed);
  // Re-read and cross off in one transaction, so one code cannot open two sessions.
  return db.transaction((tx) => {
    const current = tx.select({ recoveryCodeHashes: users.recoveryCodeHashes }).from(users).where(eq(users.id, user.id)).get();
    const hashes = parseHashes(current?.recoveryCodeHashes ?? null);
    if (!hashes.includes(hash)) return null;
    tx.update(users)
      .set({ recoveryCodeHashes: JSON.stringify(hashes.filter((item) => item !== hash)) })
      .where(eq(users.id, user.id))
      .run();
    return "recovery";
  });
}

/** How many recovery codes the organizer has left. Any signed-in organizer, for themselves. */
export function countRecoveryCodes(options: { actor: Actor; db?: AppDatabase }): number {
  assertOrganizer(options.actor);
  return parseHashes(getUser(options.db ?? getDb(), options.actor.id).recoveryCodeHashes).length;
}

/**
 * Starts TOTP setup: a fresh secret and its otpauth:// URL for an
 * authenticator app. Nothing is stored until `confirmTotpSetup` gets the
 * secret back with a code from the app. Any signed-in organizer, for themselves.
 */
export function beginTotpSetup(options: { actor: Actor; db?: AppDatabase }): { secret: string; otpauthUrl: string } {
  assertOrganizer(options.actor);
  const user = getUser(options.db ?? getDb(), options.actor.id);
  if (user.totpSecret) throw new AppError("CONFLICT", "totpAlreadyEnabled");
  const secret = totp.generateSecret(20);
  return { secret, otpauthUrl: totp.keyuri(user.email, TOTP_ISSUER, secret) };
}

/**
 * Finishes TOTP setup once the app shows a matching code: stores the secret
 * and ten recovery codes (only their SHA-256 hashes), ends every session of
 * the account, the caller's too (a copied cookie must not outlive the new
 * factor, decision 0018), and returns the plain codes, the only time anyone
 * sees them. Any signed-in organizer, for themselves.
 */
export function confirmTotpSetup(options: { actor: Actor; secret: unknown; code: unknown; db?: AppDatabase; now?: number }): { recoveryCodes: string[] } {
  assertOrganizer(options.actor);
  const actor = options.actor;
  const now = options.now ?? Date.now();
  const secret = typeof options.secret === "string" ? options.secret.trim().toUpperCase() : "";
  if (!BASE32_SECRET.test(secret)) throw new AppError("INVALID", "totpSetupExpired");
  const step = findTotpStep(secret, normalizeCode(options.code), now);
  if (step === null) throw new AppError("INVALID", "totpCodeWrong");
  const db = options.db ?? getDb();
  const recoveryCodes = generateRecoveryCodes();
  db.transaction((tx) => {
    const user = getUser(tx, actor.id);
    if (user.totpSecret) throw new AppError("CONFLICT", "totpAlreadyEnabled");
    tx.update(users)
      .set({
        totpSecret: secret,
        recoveryCodeHashes: JSON.stringify(recoveryCodes.map(hashRecoveryCode)),
        // The setup code is used up too: it cannot open a session afterwards.
        totpLastStep: step,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: now,
      })
      .where(eq(users.id, user.id))
      .run();
    recordAudit(tx, { actor: toAuditActor(actor), action: "organizer.totpEnabled", targetType: "user", targetId: user.id, now });
  });
  return { recoveryCodes };
}

/**
 * Turns the organizer's own second factor off, with a current code (or a
 * recovery code) as proof. Refused while owners require it for everyone.
 * Any signed-in organizer, for themselves.
 */
export function disableTotp(options: { actor: Actor; code: unknown; db?: AppDatabase; now?: number }): void {
  assertOrganizer(options.actor);
  const actor = options.actor;
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  if (getRequireTotpForAll({ db })) throw new AppError("CONFLICT", "totpRequiredForAll");
  const user = getUser(db, actor.id);
  if (!user.totpSecret) throw new AppError("CONFLICT", "totpNotEnabled");
  if (!verifySecondFactor(user, options.code, { db, now })) throw new AppError("INVALID", "totpCodeWrong");
  db.transaction((tx) => {
    tx.update(users).set({ totpSecret: null, recoveryCodeHashes: null, totpLastStep: null, updatedAt: now }).where(eq(users.id, user.id)).run();
    recordAudit(tx, { actor: toAuditActor(actor), action: "organizer.totpDisabled", targetType: "user", targetId: user.id, now });
  });
}

/**
 * Removes someone's second factor when they lost their phone and their
 * recovery codes, and ends their sessions (whoever has the phone may hold
 * one); they set a new one up after signing in. Needs `manageOrganizers`
 * (owners, the command line).
 */
export function resetTotp(options: { actor: Actor; email: string; db?: AppDatabase; now?: number }): { email: string } {
  assertCan(options.actor, "manageOrganizers");
  const email = OrganizerEmailSchema.safeParse(options.email);
  if (!email.success) throw new AppError("INVALID", "emailInvalid");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.email, email.data)).get();
    if (!user) throw new AppError("NOT_FOUND", "organizerNotFound");
    tx.update(users)
      .set({ totpSecret: null, recoveryCodeHashes: null, totpLastStep: null, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: now })
      .where(eq(users.id, user.id))
      .run();
    recordAudit(tx, {
      actor: toAuditActor(options.actor),
      action: "organizer.totpReset",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, hadSecondFactor: Boolean(user.totpSecret) },
      now,
    });
    return { email: user.email };
  });
}

/** Whether owners require a second factor of every organizer. Anyone (sign-in and every admin request read it). */
export function getRequireTotpForAll(options: { db?: AppDatabase | Transaction } = {}): boolean {
  const row = (options.db ?? getDb()).select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, REQUIRE_TOTP_KEY)).get();
  return row?.value === "true";
}

/**
 * Requires (or stops requiring) a second factor of every organizer: those
 * without one are sent to set it up before anything else. Needs
 * `manageSettings` (owners, the command line).
 */
export function setRequireTotpForAll(options: { actor: Actor; required: boolean; db?: AppDatabase; now?: number }): void {
  assertCan(options.actor, "manageSettings");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const value = options.required ? "true" : "false";
  db.transaction((tx) => {
    tx.insert(appSettings)
      .values({ key: REQUIRE_TOTP_KEY, value, updatedAt: now })
      .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: now } })
      .run();
    recordAudit(tx, { actor: toAuditActor(options.actor), action: "settings.requireTotp", details: { required: options.required }, now });
  });
}
