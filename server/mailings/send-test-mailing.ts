import "server-only";
import { createTranslator } from "use-intl/core";
import { getDb, type AppDatabase } from "@/db/client";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { AppError } from "@/server/errors";
import { enqueueEmail } from "@/server/mail/enqueue-email";
import { nudgeOutboxSender } from "@/server/mail/outbox-sender";
import { createToken } from "@/server/security/tokens";
import { findUpdateForMailing } from "./mailing-content";
import { fillUpdateEmail, oneClickUnsubscribeUrl, renderUpdateEmail } from "./update-email";

/** An organizer may test an update this many times a day (their own address; the public cap is 3). */
const TEST_SENDS_PER_DAY = 20;

/**
 * Sends the update's email in `locale` to the organizer's own address,
 * exactly as a signer of that language would get it (headers included),
 * marked as a test. Its links hold a token that is never stored, so they
 * lead to the neutral pages and change nothing. Goes through the outbox,
 * ahead of any mailing. Admins and owners, signed in (the address is
 * theirs); audited. Throws NOT_FOUND, CONFLICT "updateHasNoText",
 * RATE_LIMITED past 20 a day.
 */
export function sendTestMailing(options: { actor: Actor; updateId: number; locale: Locale; db?: AppDatabase; now?: number }): { to: string } {
  assertCan(options.actor, "sendMailings");
  const { actor } = options;
  if (actor.kind !== "organizer") throw new AppError("FORBIDDEN", "forbidden");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const config = getConfig();
  const update = findUpdateForMailing({ updateId: options.updateId, db });
  if (!update) throw new AppError("NOT_FOUND", "updateNotFound");
  if (Object.keys(update.texts).length === 0) throw new AppError("CONFLICT", "updateHasNoText");
  const template = renderUpdateEmail({
    content: update,
    locale: options.locale,
    appUrl: config.appUrl,
    senderName: getCampaign(DEFAULT_LOCALE).senderName,
    campaignTitle: getCampaign(options.locale).title,
  });
  const { token } = createToken(now);
  const email = fillUpdateEmail(template, token);
  const t = createTranslator({ locale: options.locale, messages: MESSAGE_CATALOGS[options.locale], namespace: "Email.update" });
  const queued = db.transaction(
    (tx) => {
      const isQueued = enqueueEmail(tx, {
        kind: "mailingTest",
        to: actor.email,
        emailKey: `organizer:${actor.id}`,
        signatureId: null,
        locale: options.locale,
        email: { ...email, subject: `${t("testPrefix")} ${email.subject}` },
        headers: { "List-Unsubscribe": `<${oneClickUnsubscribeUrl(config.appUrl, options.locale, token)}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
        now,
        dailyCap: TEST_SENDS_PER_DAY,
      });
      if (isQueued) {
        recordAudit(tx, { actor: toAuditActor(actor), action: "mailing.testSend", targetType: "update", targetId: update.id, details: { locale: options.locale }, now });
      }
      return isQueued;
    },
    { behavior: "immediate" },
  );
  if (!queued) throw new AppError("RATE_LIMITED", "testSendLimit");
  nudgeOutboxSender();
  return { to: actor.email };
}
