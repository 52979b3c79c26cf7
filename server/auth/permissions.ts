import "server-only";
import { USER_ROLES, type UserRole } from "@/lib/organizer-roles";
import { AppError } from "@/server/errors";
import type { Actor } from "./actor";

// Who may do what, in one table (docs/decisions/0023-one-place-for-each-rule.md).
// Pages, actions, routes and domain functions ask for a capability, never
// for a role: `requireOrganizer("moderate")`, `assertCan(actor, "exportPersonalData")`,
// `can(organizer, "writeUpdates")`. A new feature adds its capability here,
// with the roles that hold it, and a row in permissions.test.ts.

type CapabilityRule = {
  roles: readonly UserRole[];
  /**
   * Whether it shows anyone's personal data: a signer's address, private
   * name or IP hash, or an organizer's address. Viewers never hold such a
   * capability (decision 0007); permissions.test.ts holds the table to it.
   */
  showsPersonalData: boolean;
};

const EVERYONE = USER_ROLES;
const ADMINS = ["owner", "admin"] as const satisfies readonly UserRole[];
const OWNERS = ["owner"] as const satisfies readonly UserRole[];

export const CAPABILITIES = {
  /** Totals, charts, per-country exports, the press kit, partner codes and what they brought. */
  readTotals: { roles: EVERYONE, showsPersonalData: false },
  /** Campaign updates and their drafts (decision 0021): they hold no signer's data. */
  readUpdates: { roles: EVERYONE, showsPersonalData: false },
  /** One's own account: the second factor. */
  manageOwnAccount: { roles: EVERYONE, showsPersonalData: false },
  /** Signers' addresses and private names (search, a signature's page), organizers' addresses in the recent activity. */
  seePersonalData: { roles: ADMINS, showsPersonalData: true },
  /** Invalidate and restore signatures, bulk runs and their previews, the suspicious bursts. */
  moderate: { roles: ADMINS, showsPersonalData: true },
  /** The signatures CSV, the delivery PDF and its manifest, what is stored about one person. Audited. */
  exportPersonalData: { roles: ADMINS, showsPersonalData: true },
  managePartnerCodes: { roles: ADMINS, showsPersonalData: false },
  /** Write and edit updates (a published one goes live at once). */
  writeUpdates: { roles: ADMINS, showsPersonalData: false },
  publishUpdates: { roles: ADMINS, showsPersonalData: false },
  /** Send an update to the signers who asked for news; the sender never sees their addresses. */
  sendMailings: { roles: ADMINS, showsPersonalData: false },
  /** Approve someone else's mailing, when an owner requires a second organizer (`manageSettings`). */
  approveMailings: { roles: ADMINS, showsPersonalData: false },
  /** Organizer accounts (their addresses), roles, second-factor resets. */
  manageOrganizers: { roles: OWNERS, showsPersonalData: true },
  /** The audit log, with what strangers typed into the sign-in form (decision 0018). */
  readAuditLog: { roles: OWNERS, showsPersonalData: true },
  /** Settings for everyone: require a second factor, require a mailing's approval. */
  manageSettings: { roles: OWNERS, showsPersonalData: false },
  /** The server's maintenance runs (decision 0019). */
  maintain: { roles: OWNERS, showsPersonalData: false },
  /** Delete or erase signatures outright: the purge of unconfirmed ones, erasure on request, anonymising a closed campaign. */
  eraseSignatures: { roles: OWNERS, showsPersonalData: false },
} as const satisfies Record<string, CapabilityRule>;

export type Capability = keyof typeof CAPABILITIES;

/** Every capability, in the table's order. */
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as readonly Capability[];

/** Whether an organizer with this role holds the capability. */
export function roleCan(role: UserRole, capability: Capability): boolean {
  return (CAPABILITIES[capability].roles as readonly UserRole[]).includes(role);
}

/** The roles that hold a capability (e.g. who counts as someone able to manage accounts). */
export function rolesThatCan(capability: Capability): readonly UserRole[] {
  return CAPABILITIES[capability].roles;
}

/** Whether the actor may do it: the command line (an operator on the server) may do everything. */
export function can(actor: Actor, capability: Capability): boolean {
  return actor.kind === "system" || roleCan(actor.role, capability);
}

/** Throws FORBIDDEN unless the actor holds the capability. Every domain function that needs one calls it first. */
export function assertCan(actor: Actor, capability: Capability): void {
  if (!can(actor, capability)) throw new AppError("FORBIDDEN", "forbidden");
}
