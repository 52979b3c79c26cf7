import "server-only";
import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { auditLog } from "@/db/schema";
import { clearRatePoints, consumeRatePoint, refundRatePoint, retryAfterSeconds, type RatePoint } from "@/server/abuse/consume-rate-point";
import { LOGIN_LIMITS } from "@/server/abuse/rate-limiters";
import { recordAudit } from "@/server/audit/record-audit";

// Why points are taken before the password is checked, and blocked attempts counted on one row: docs/decisions/0018-organizer-sessions-and-sign-in-limits.md.

type BlockedBy = "client" | "account";

const TARGET_TYPES: Record<BlockedBy, string> = { client: "loginClient", account: "loginAccount" };

/**
 * One `login.blocked` row per refused key and window: the first refusal
 * writes it, every later one in the same window adds one to its
 * `row_count`. A flood of refused guesses cannot fill the audit log.
 */
function recordBlocked(tx: Transaction, options: { by: BlockedBy; key: string; email: string; point: RatePoint; now: number }): void {
  const spec = options.by === "client" ? LOGIN_LIMITS.perIp : LOGIN_LIMITS.perAccount;
  const windowStart = options.now + options.point.msBeforeNext - spec.durationSeconds * 1000;
  const targetType = TARGET_TYPES[options.by];
  const open = tx
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, "login.blocked"), gte(auditLog.createdAt, windowStart), eq(auditLog.targetType, targetType), eq(auditLog.targetId, options.key)))
    .orderBy(desc(auditLog.id))
    .limit(1)
    .get();
  if (open) {
    tx.update(auditLog).set({ rowCount: sql`coalesce(${auditLog.rowCount}, 0) + 1` }).where(eq(auditLog.id, open.id)).run();
    return;
  }
  recordAudit(tx, {
    // The client key is a keyed hash; an address typed by a client that is refused as a whole is not kept.
    actor: { userId: null, email: options.by === "account" ? options.email : null },
    action: "login.blocked",
    targetType,
    targetId: options.key,
    details: { limit: options.by, retryAfterSeconds: retryAfterSeconds(options.point) },
    rowCount: 1,
    now: options.now,
  });
}

/**
 * Takes one sign-in attempt's points, per client and per typed address, in
 * one synchronous transaction before anything slow happens: parallel guesses
 * each take their point first, so at most the limit of them ever reach the
 * password check in a window. Returns the seconds to wait when this attempt
 * is refused (and counts the refusal), else 0. Sign-in only.
 */
export function takeLoginAttempt(options: { email: string; clientKey: string; db: AppDatabase; now: number }): number {
  const { email, clientKey, now } = options;
  return options.db.transaction((tx) => {
    const client = consumeRatePoint(tx, LOGIN_LIMITS.perIp, clientKey, now);
    if (client.consumedPoints > LOGIN_LIMITS.perIp.points) {
      recordBlocked(tx, { by: "client", key: clientKey, email, point: client, now });
      return retryAfterSeconds(client);
    }
    const account = consumeRatePoint(tx, LOGIN_LIMITS.perAccount, email, now);
    if (account.consumedPoints > LOGIN_LIMITS.perAccount.points) {
      recordBlocked(tx, { by: "account", key: email, email, point: account, now });
      return retryAfterSeconds(account);
    }
    return 0;
  });
}

/**
 * Gives the attempt's points back to the address and the client: it was not
 * a guess (a right password, and the form now asks for the code). Sign-in only.
 */
export function refundLoginAttempt(tx: Transaction | AppDatabase, options: { email: string; clientKey: string; now: number }): void {
  refundRatePoint(tx, LOGIN_LIMITS.perAccount, options.email, options.now);
  refundRatePoint(tx, LOGIN_LIMITS.perIp, options.clientKey, options.now);
}

/**
 * A successful sign-in forgets the address's failed attempts and gives the
 * client its point back: the limits count guesses, and organizers behind
 * one address (an office) sign in without using up each other's. Sign-in only.
 */
export function clearLoginAttempts(tx: Transaction | AppDatabase, options: { email: string; clientKey: string; now: number }): void {
  clearRatePoints(tx, LOGIN_LIMITS.perAccount, options.email);
  refundRatePoint(tx, LOGIN_LIMITS.perIp, options.clientKey, options.now);
}
