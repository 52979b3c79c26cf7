import "server-only";
import type { UserRole } from "@/lib/organizer-roles";
import type { AuditActor } from "@/server/audit/record-audit";

export type { UserRole };

/**
 * Who is calling a domain function: the command line (an operator with
 * shell access to the server) or a signed-in organizer, re-read from the
 * database on this request. What it may do: `can` and `assertCan` in
 * ./permissions.ts.
 */
export type Actor = { kind: "system" } | { kind: "organizer"; id: number; email: string; role: UserRole };

export const SYSTEM: Actor = { kind: "system" };

export function toAuditActor(actor: Actor): AuditActor {
  return actor.kind === "system" ? { userId: null, email: "system (command line)" } : { userId: actor.id, email: actor.email };
}
