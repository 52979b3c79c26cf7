import "server-only";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { users, type User } from "@/db/schema";
import { isUserRole, type UserRole } from "@/lib/organizer-roles";
import { CreateOrganizerSchema, OrganizerEmailSchema, OrganizerPasswordSchema } from "@/lib/schemas/organizer";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan, roleCan, rolesThatCan } from "@/server/auth/permissions";
import { hashPassword } from "@/server/auth/password";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

export type OrganizerSummary = Pick<User, "id" | "email" | "name" | "role" | "isDisabled" | "createdAt" | "lastLoginAt">;

const SUMMARY = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  isDisabled: users.isDisabled,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
};

/** Creates an organizer account. Needs `manageOrganizers` (owners, the command line). */
export async function createOrganizer(options: {
  actor: Actor;
  input: { email: string; name?: string; password: string; role: string };
  db?: AppDatabase;
  now?: number;
}): Promise<OrganizerSummary> {
  assertCan(options.actor, "manageOrganizers");
  const parsed = CreateOrganizerSchema.safeParse(options.input);
  if (!parsed.success) throw new AppError("INVALID", parsed.error.issues[0]?.message ?? "invalid");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const passwordHash = await hashPassword(parsed.data.password);
  return db.transaction((tx) => {
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, parsed.data.email)).get();
    if (existing) throw new AppError("CONFLICT", "organizerExists");
    const created = tx
      .insert(users)
      .values({ email: parsed.data.email, name: parsed.data.name ?? "", passwordHash, role: parsed.data.role, createdAt: now, updatedAt: now })
      .returning(SUMMARY)
      .get();
    recordAudit(tx, {
      actor: toAuditActor(options.actor),
      action: "organizer.create",
      targetType: "user",
      targetId: created.id,
      details: { email: created.email, role: created.role },
      now,
    });
    return created;
  });
}

/** Every organizer account. Needs `manageOrganizers` (owners, the command line). */
export function listOrganizers(options: { actor: Actor; db?: AppDatabase }): OrganizerSummary[] {
  assertCan(options.actor, "manageOrganizers");
  return (options.db ?? getDb()).select(SUMMARY).from(users).orderBy(asc(users.email)).all();
}

/** Active accounts other than this one that can still manage organizers. */
function countOtherAccountManagers(db: AppDatabase | Transaction, userId: number): number {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.role, [...rolesThatCan("manageOrganizers")]), eq(users.isDisabled, false), ne(users.id, userId)))
    .all().length;
}

/**
 * Changes an organizer's role, disables or enables the account, or sets a
 * new password. Needs `manageOrganizers` (owners, the command line); the
 * last active account that can manage organizers cannot be demoted or
 * disabled (nobody could manage accounts any more).
 * A new role, a disabled account or a new password ends every session of
 * the account at once (its session version moves on, decision 0018).
 */
export async function updateOrganizer(options: {
  actor: Actor;
  email: string;
  changes: { role?: UserRole; isDisabled?: boolean; password?: string };
  db?: AppDatabase;
  now?: number;
}): Promise<OrganizerSummary> {
  assertCan(options.actor, "manageOrganizers");
  const email = OrganizerEmailSchema.safeParse(options.email);
  if (!email.success) throw new AppError("INVALID", "emailInvalid");
  const { changes } = options;
  if (changes.role !== undefined && !isUserRole(changes.role)) throw new AppError("INVALID", "roleInvalid");
  let passwordHash: string | undefined;
  if (changes.password !== undefined) {
    const password = OrganizerPasswordSchema.safeParse(changes.password);
    if (!password.success) throw new AppError("INVALID", password.error.issues[0]?.message ?? "invalid");
    passwordHash = await hashPassword(password.data);
  }
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.email, email.data)).get();
    if (!user) throw new AppError("NOT_FOUND", "organizerNotFound");
    const managesAccounts = roleCan(user.role, "manageOrganizers") && !user.isDisabled;
    const willManageAccounts = roleCan(changes.role ?? user.role, "manageOrganizers") && !(changes.isDisabled ?? user.isDisabled);
    if (managesAccounts && !willManageAccounts && countOtherAccountManagers(tx, user.id) === 0) throw new AppError("CONFLICT", "lastOwner");
    const endsSessions = (changes.role !== undefined && changes.role !== user.role) || (changes.isDisabled === true && !user.isDisabled) || passwordHash !== undefined;
    const updated = tx
      .update(users)
      .set({
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.isDisabled !== undefined ? { isDisabled: changes.isDisabled } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        ...(endsSessions ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
        updatedAt: now,
      })
      .where(eq(users.id, user.id))
      .returning(SUMMARY)
      .get();
    recordAudit(tx, {
      actor: toAuditActor(options.actor),
      action: "organizer.update",
      targetType: "user",
      targetId: user.id,
      details: {
        email: user.email,
        ...(changes.role !== undefined ? { role: { from: user.role, to: changes.role } } : {}),
        ...(changes.isDisabled !== undefined ? { disabled: changes.isDisabled } : {}),
        ...(passwordHash ? { passwordChanged: true } : {}),
        ...(endsSessions ? { sessionsEnded: true } : {}),
      },
      now,
    });
    return updated;
  });
}
