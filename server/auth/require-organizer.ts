import "server-only";
import { eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { getDb } from "@/db/client";
import { users, type UserRole } from "@/db/schema";
import { AppError } from "@/server/errors";
import { ROLE_RANK, type Actor } from "./actor";
import { getAuthOptions } from "./auth-options";

export type Organizer = Extract<Actor, { kind: "organizer" }> & { name: string };

/**
 * The signed-in organizer, read from the database on this request, or null
 * when nobody is signed in or the account is gone or disabled.
 */
export async function findCurrentOrganizer(): Promise<Organizer | null> {
  const session = await getServerSession(getAuthOptions());
  const id = Number((session?.user as { id?: string } | undefined)?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  const user = getDb().select().from(users).where(eq(users.id, id)).get();
  if (!user || user.isDisabled) return null;
  return { kind: "organizer", id: user.id, email: user.email, role: user.role, name: user.name };
}

/**
 * Guards every admin page, route and action: throws UNAUTHENTICATED (no
 * valid session) or FORBIDDEN (role below `minimum`). proxy.ts is not a
 * security boundary; this is.
 */
export async function requireOrganizer(minimum: UserRole): Promise<Organizer> {
  const organizer = await findCurrentOrganizer();
  if (!organizer) throw new AppError("UNAUTHENTICATED", "signInRequired");
  if (ROLE_RANK[organizer.role] < ROLE_RANK[minimum]) throw new AppError("FORBIDDEN", "forbidden");
  return organizer;
}
