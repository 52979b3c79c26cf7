import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { LoginSchema } from "@/lib/schemas/organizer";
import { consumePoint, getRateLimiter, getRetryAfterSeconds, LOGIN_LIMITS } from "@/server/abuse/rate-limiters";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { verifyPassword } from "./password";
import { verifySecondFactor } from "./second-factor";

export type AuthenticatedOrganizer = { id: number; email: string; role: UserRole };

/**
 * Checks an organizer's email and password (next-auth's `authorize`), and
 * the second factor when the account has one: a right password without a
 * code throws UNAUTHENTICATED "totpRequired" (the form then asks for it), a
 * wrong code UNAUTHENTICATED "totpInvalid" and counts as a failed guess.
 * Rate-limited per account and per client: past the limit it throws
 * RATE_LIMITED without looking at the password. Every success and failure
 * is written to the audit log. Anyone may call it (it is the login form).
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
  const accountLimiter = getRateLimiter(LOGIN_LIMITS.perAccount, db);
  const ipLimiter = getRateLimiter(LOGIN_LIMITS.perIp, db);

  const waitSeconds = Math.max(
    await getRetryAfterSeconds(accountLimiter, email, LOGIN_LIMITS.perAccount.points),
    await getRetryAfterSeconds(ipLimiter, options.clientKey, LOGIN_LIMITS.perIp.points),
  );
  if (waitSeconds > 0) {
    recordAudit(db, { actor: { userId: null, email }, action: "login.blocked", details: { retryAfterSeconds: waitSeconds }, now });
    throw new AppError("RATE_LIMITED", "loginRateLimited", { retryAfter: String(waitSeconds) });
  }
  await consumePoint(ipLimiter, options.clientKey);

  const user = parsed.success ? db.select().from(users).where(eq(users.email, parsed.data.email)).get() : undefined;
  const passwordMatches = await verifyPassword(user?.passwordHash ?? null, parsed.success ? parsed.data.password : "");
  if (!user || !passwordMatches || user.isDisabled) {
    await consumePoint(accountLimiter, email);
    recordAudit(db, {
      actor: { userId: user?.id ?? null, email },
      action: "login.failure",
      details: { reason: !user ? "unknown account" : user.isDisabled && passwordMatches ? "disabled" : "wrong password" },
      now,
    });
    return null;
  }
  let secondFactor: "totp" | "recovery" | null = null;
  if (user.totpSecret) {
    const typed = typeof options.totp === "string" ? options.totp.trim() : "";
    if (!typed) {
      // Not a guess: the password was right and the form now asks for the code.
      recordAudit(db, { actor: { userId: user.id, email }, action: "login.secondFactorAsked", now });
      throw new AppError("UNAUTHENTICATED", "totpRequired");
    }
    secondFactor = verifySecondFactor(user, typed, { db });
    if (!secondFactor) {
      await consumePoint(accountLimiter, email);
      recordAudit(db, { actor: { userId: user.id, email }, action: "login.failure", details: { reason: "second factor" }, now });
      throw new AppError("UNAUTHENTICATED", "totpInvalid");
    }
  }
  await accountLimiter.delete(email);
  db.transaction((tx) => {
    tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)).run();
    recordAudit(tx, {
      actor: { userId: user.id, email: user.email },
      action: "login.success",
      ...(secondFactor ? { details: { secondFactor } } : {}),
      now,
    });
  });
  return { id: user.id, email: user.email, role: user.role };
}
