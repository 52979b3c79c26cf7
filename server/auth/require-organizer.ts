import "server-only";
import { eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "@/server/errors";
import type { Actor } from "./actor";
import { getAuthOptions } from "./auth-options";
import { roleCan, type Capability } from "./permissions";
import { getRequireTotpForAll } from "./second-factor";

export type Organizer = Extract<Actor, { kind: "organizer" }> & {
  name: string;
  // Optional so hand-built organizers (route tests) stay valid; findCurrentOrganizer always sets both.
  hasTotp?: boolean;
  /** Owners require a second factor of everyone and this account has none yet: only /admin/account is open. */
  mustEnrolTotp?: boolean;
};

/**
 * The signed-in organizer, read from the database on this request, or null
 * when nobody is signed in, the account is gone or disabled, or the session
 * has ended (next-auth's jwt callback checks its version and age; the row
 * read here is checked again, at no cost).
 */
export async function findCurrentOrganizer(): Promise<Organizer | null> {
  const session = await getServerSession(getAuthOptions());
  const claims = session?.user as { id?: string; sessionVersion?: unknown } | undefined;
  const id = Number(claims?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  const user = getDb().select().from(users).where(eq(users.id, id)).get();
  if (!user || user.isDisabled || user.sessionVersion !== claims?.sessionVersion) return null;
  const hasTotp = Boolean(user.totpSecret);
  const mustEnrolTotp = !hasTotp && getRequireTotpForAll();
  return { kind: "organizer", id: user.id, email: user.email, role: user.role, name: user.name, hasTotp, mustEnrolTotp };
}

/**
 * Guards every admin page, route and action: throws UNAUTHENTICATED (no
 * valid session), FORBIDDEN "secondFactorRequired" (a second factor is
 * required of everyone and this account has none; only the account page,
 * which passes `enrolling`, lets them in to set it up) or FORBIDDEN (the
 * role lacks `capability`, server/auth/permissions.ts). proxy.ts is not a
 * security boundary; this is.
 */
export async function requireOrganizer(capability: Capability, options: { enrolling?: boolean } = {}): Promise<Organizer> {
  const organizer = await findCurrentOrganizer();
  if (!organizer) throw new AppError("UNAUTHENTICATED", "signInRequired");
  if (organizer.mustEnrolTotp && !options.enrolling) throw new AppError("FORBIDDEN", "secondFactorRequired");
  if (!roleCan(organizer.role, capability)) throw new AppError("FORBIDDEN", "forbidden");
  return organizer;
}
