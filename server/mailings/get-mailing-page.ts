import "server-only";
import { getDb, type AppDatabase } from "@/db/client";
import type { UpdateState } from "@/db/schema";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { getMailingProgress, findLatestMailingId, type MailingProgress } from "./get-mailing-progress";
import { getRequireMailingApproval } from "./mailing-approval";
import { findUpdateForMailing, pickUpdateText } from "./mailing-content";
import { getMailingAudience, type MailingAudience } from "./prepare-mailing";

export type MailingPage = {
  update: { id: number; slug: string; state: UpdateState; title: string; locales: Locale[] };
  audience: MailingAudience;
  /** The update's latest mailing, whatever its state; null before the first. */
  mailing: MailingProgress | null;
  requiresApproval: boolean;
};

/**
 * Everything the page that sends an update shows (`/admin/updates/[id]/send`):
 * the update, who it would reach, and its latest mailing's progress.
 * Admins and owners. Null when there is no such update.
 */
export function getMailingPage(options: { actor: Actor; updateId: number; locale: Locale; db?: AppDatabase; now?: number }): MailingPage | null {
  assertCan(options.actor, "sendMailings");
  const db = options.db ?? getDb();
  const update = findUpdateForMailing({ updateId: options.updateId, db });
  if (!update) return null;
  const picked = pickUpdateText(update, options.locale);
  const mailingId = findLatestMailingId({ actor: options.actor, updateId: update.id, db });
  return {
    update: {
      id: update.id,
      slug: update.slug,
      state: update.state,
      title: picked?.text.title ?? update.slug,
      locales: LOCALES.filter((locale) => update.texts[locale]),
    },
    audience: getMailingAudience({ actor: options.actor, updateId: update.id, db }),
    mailing: mailingId === null ? null : getMailingProgress({ actor: options.actor, mailingId, db, now: options.now }),
    requiresApproval: getRequireMailingApproval({ db }),
  };
}
