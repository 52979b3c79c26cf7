import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { appSettings } from "@/db/schema";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";

const REQUIRE_APPROVAL_KEY = "requireMailingApproval";

/** Whether a mailing needs a second organizer's approval before it goes out (decision 0022). Anyone. */
export function getRequireMailingApproval(options: { db?: AppDatabase | Transaction } = {}): boolean {
  const row = (options.db ?? getDb()).select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, REQUIRE_APPROVAL_KEY)).get();
  return row?.value === "true";
}

/**
 * Requires (or stops requiring) that a second organizer, not the one who
 * prepared or confirmed it, approves every mailing. Owners and the command
 * line only; audited. Mailings already waiting keep waiting for approval.
 */
export function setRequireMailingApproval(options: { actor: Actor; required: boolean; db?: AppDatabase; now?: number }): void {
  assertCan(options.actor, "manageSettings");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const value = options.required ? "true" : "false";
  db.transaction(
    (tx) => {
      tx.insert(appSettings)
        .values({ key: REQUIRE_APPROVAL_KEY, value, updatedAt: now })
        .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: now } })
        .run();
      recordAudit(tx, { actor: toAuditActor(options.actor), action: "settings.requireMailingApproval", details: { required: options.required }, now });
    },
    { behavior: "immediate" },
  );
}
