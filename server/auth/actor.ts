import "server-only";
import type { UserRole } from "@/db/schema";

export type { UserRole };
import type { AuditActor } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

/**
 * Who is calling a domain function: the command line (an operator with
 * shell access to the server) or a signed-in organizer, re-read from the
 * database on this request.
 */
export type Actor = { kind: "system" } | { kind: "organizer"; id: number; email: string; role: UserRole };

export const SYSTEM: Actor = { kind: "system" };

/** What each role may do: owner ⊃ admin ⊃ viewer. */
export const ROLE_RANK: Record<UserRole, number> = { viewer: 1, admin: 2, owner: 3 };

/** Throws FORBIDDEN unless the actor is the system or holds at least `minimum`. */
export function assertRole(actor: Actor, minimum: UserRole): void {
  if (actor.kind === "system") return;
  if (ROLE_RANK[actor.role] < ROLE_RANK[minimum]) throw new AppError("FORBIDDEN", "forbidden");
}

export function toAuditActor(actor: Actor): AuditActor {
  return actor.kind === "system" ? { userId: null, email: "system (command line)" } : { userId: actor.id, email: actor.email };
}
