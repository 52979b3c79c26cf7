import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { LoginSchema } from "@/lib/schemas/organizer";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { clearLoginAttempts, refundLoginAttempt, takeLoginAttempt } from "./login-attempts";
import { verifyPassword } from "./password";
import { verifySecondFactor } from "./second-factor";

export type AuthenticatedOrganizer = {
  id: number;
  email: string;
  role: UserRole;
  /** The account's session version when its password was checked: the new session holds it (decision 0018). */
  sessionVersion: number;
};

/**
 * Checks an organizer's email and password (next-auth's `authorize`), and
 * the second factor when the account has one: a right password without a
 * code throws UNAUTHENTICATED "totpRequired" (the form then asks for it), a
 * wrong or already used code UNAUTHENTICATED "totpInvalid" and counts as a
 * failed guess. Every attempt takes a point per account and per client
 * before the password is looked at (given back when it turns out not to be
 * a guess); past the limit it throws RATE_LIMITED.
 * Every success and failure is written to the audit log (refusals once per
 * window, with a count). Anyone may call it (it is the login form).
 */
export async function authenticateOrganizer(options: {
  email: unknown;
  password: unknown;
  /** A TOTP or recovery code; absent on the first submit. */
  totp?: unknown;
  clientKey: string;
  db?: AppDatabase;
  now?: number;
}): Promise<AuthenticatedOrganizer | null> {
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const parsed = LoginSchema.safeParse({ email: options.email, password: options.password });
  const email = parsed.success ? parsed.data.email : String(options.email ?? "").slice(0, 254).toLowerCase();

  const waitSeconds = takeLoginAttempt({ email, clientKey: options.clientKey, db, now });
  if (waitSeconds > 0) throw new AppError("RATE_LIMITED", "loginRateLimited", { retryAfter: String(waitSeconds) });

  // The session version is read with the hash it goes with: a password changed while argon2 runs ends this session too.
  const user = parsed.success ? db.select().from(users).where(eq(users.email, parsed.data.email)).get() : undefined;
  const passwordMatches = await verifyPassword(user?.passwordHash ?? null, parsed.success ? parsed.data.password : "");
  if (!user || !passwordMatches || user.isDisabled) {
    recordAudit(db, {
      actor: { userId: user?.id ?? null, email },
      action: "login.failure",
      details: { reason: !user ? "unknown account" : user.isDisabled && passwordMatches ? "disabled" : "wrong password" },
      now,
    });
    return null;
  }
  const typed = typeof options.totp === "string" ? options.totp.trim() : "";
  if (user.totpSecret && !typed) {
    db.transaction((tx) => {
      // Not a guess: the password was right and the form now asks for the code.
      refundLoginAttempt(tx, { email, clientKey: options.clientKey, now });
      recordAudit(tx, { actor: { userId: user.id, email }, action: "login.secondFactorAsked", now });
    });
    throw new AppError("UNAUTHENTICATED", "totpRequired");
  }
  // The code's step (or recovery code) is taken in the transaction that records the sign-in: one code, one session.
  const signedIn = db.transaction((tx) => {
    const secondFactor = user.totpSecret ? verifySecondFactor(user, typed, { db: tx, now }) : null;
    if (user.totpSecret && !secondFactor) {
      recordAudit(tx, { actor: { userId: user.id, email }, action: "login.failure", details: { reason: "second factor" }, now });
      return false;
    }
    clearLoginAttempts(tx, { email, clientKey: options.clientKey, now });
    tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)).run();
    recordAudit(tx, {
      actor: { userId: user.id, email: user.email },
      action: "login.success",
      ...(secondFactor ? { details: { secondFactor } } : {}),
      now,
    });
    return true;
  });
  if (!signedIn) throw new AppError("UNAUTHENTICATED", "totpInvalid");
  return { id: user.id, email: user.email, role: user.role, sessionVersion: user.sessionVersion };
}
