import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { users } from "@/db/schema";
import { isLocale, type Locale } from "@/lib/i18n/locales";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";

/** The language of the organizer's daily digest, or null when they get none (decision 0025). The organizer themself. */
export function getDigestPreference(options: { actor: Actor; db?: AppDatabase }): Locale | null {
  const { actor } = options;
  if (actor.kind !== "organizer") return null;
  const row = (options.db ?? getDb()).select({ locale: users.digestLocale }).from(users).where(eq(users.id, actor.id)).get();
  return isLocale(row?.locale) ? row.locale : null;
}

/**
 * Turns the organizer's own daily digest on (in `locale`) or off (null).
 * Any organizer, for their own account only (viewers too: decision 0025);
 * audited. Off by default. Turning it on again the same day sends nothing
 * twice: the day it was last sent is kept.
 */
export function updateDigestPreference(options: { actor: Actor; locale: Locale | null; db?: AppDatabase; now?: number }): void {
  const { actor } = options;
  if (actor.kind !== "organizer") throw new AppError("FORBIDDEN", "forbidden");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  db.transaction(
    (tx) => {
      tx.update(users).set({ digestLocale: options.locale, updatedAt: now }).where(eq(users.id, actor.id)).run();
      recordAudit(tx, {
        actor: toAuditActor(actor),
        action: "account.digest",
        targetType: "user",
        targetId: actor.id,
        details: { enabled: options.locale !== null, locale: options.locale },
        now,
      });
    },
    { behavior: "immediate" },
  );
}
