import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { users } from "@/db/schema";

// Why sessions carry a version and end 12 hours after sign-in whatever the activity:
// docs/decisions/0018-organizer-sessions-and-sign-in-limits.md.

/** A session not used for this long ends (next-auth's sliding expiry). */
export const SESSION_IDLE_SECONDS = 8 * 60 * 60;
/** A session ends this long after its sign-in, however busy it is. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** What our session token holds besides next-auth's own claims. */
export type SessionClaims = {
  /** The organizer's id, as a string (next-auth's `sub`). */
  sub?: unknown;
  /** `users.session_version` when the session was opened. */
  sessionVersion?: unknown;
  /** When the password (and code) were checked, in ms since the epoch. */
  signedInAt?: unknown;
};

/**
 * Whether a session token still opens the admin area: its account exists,
 * is not disabled, has not moved its session version on since (new password,
 * role, second factor, disabled), and the sign-in is less than 12 hours old.
 * A token from before sessions had versions holds none and has ended.
 * Anyone (next-auth asks it for every request that reads the session).
 */
export function isSessionCurrent(options: { token: SessionClaims; db?: AppDatabase; now?: number }): boolean {
  const { token } = options;
  const id = Number(token.sub);
  if (!Number.isSafeInteger(id) || id <= 0) return false;
  if (typeof token.sessionVersion !== "number" || typeof token.signedInAt !== "number") return false;
  const age = (options.now ?? Date.now()) - token.signedInAt;
  if (!(age >= 0 && age < SESSION_LIFETIME_MS)) return false;
  const user = (options.db ?? getDb())
    .select({ sessionVersion: users.sessionVersion, isDisabled: users.isDisabled })
    .from(users)
    .where(eq(users.id, id))
    .get();
  return Boolean(user && !user.isDisabled && user.sessionVersion === token.sessionVersion);
}

/** Thrown by next-auth's jwt callback for a session that has ended: next-auth then clears its cookie. */
export class SessionEndedError extends Error {
  constructor() {
    super("the session has ended");
    this.name = "SessionEndedError";
  }
}
