/**
 * The roles an organizer account can have, declared once (db/schema.ts and
 * the organizer schemas take them from here). What each role may do is
 * server/auth/permissions.ts's business, never a comparison of roles.
 */
export const USER_ROLES = ["owner", "admin", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export function isUserRole(value: unknown): value is UserRole {
  return (USER_ROLES as readonly unknown[]).includes(value);
}
