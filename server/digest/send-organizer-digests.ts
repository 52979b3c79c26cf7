import "server-only";
import { and, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { users } from "@/db/schema";
import { isLocale } from "@/lib/i18n/locales";
import { type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { getConfig } from "@/server/config";
import { enqueueEmail } from "@/server/mail/enqueue-email";
import { nudgeOutboxSender } from "@/server/mail/outbox-sender";
import { toDayKey } from "@/lib/signature-lifecycle";
import { buildDigest, digestFor } from "./build-digest";
import { renderDigestEmail } from "./render-digest-email";

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Digests go out at the first maintenance run from this hour (UTC) on:
 * 06:00 UTC is early morning in Europe and 09:00 in Moscow and Kyiv, and the
 * day they report (the UTC day before) is over.
 */
export const DIGEST_HOUR_UTC = 6;

export type DigestRunSummary = { sent: number; reason?: "beforeDigestHour" };

/** Organizers who want a digest and have not had today's, and are not disabled. */
const wantsTodaysDigest = (today: string) =>
  and(isNotNull(users.digestLocale), eq(users.isDisabled, false), or(isNull(users.digestSentOn), ne(users.digestSentOn, today)));

/**
 * Queues the day's digest for every organizer who turned it on (any role;
 * viewers get the sections their dashboard shows) and is not disabled: once
 * per organizer per UTC day, from DIGEST_HOUR_UTC on. Each email is queued in
 * the transaction that records the day on the organizer's row, which is
 * re-checked there, so restarts and several processes send it once; the
 * outbox caps it at one a day per organizer as well. The server's
 * maintenance and the command line (owners).
 */
export function sendOrganizerDigests(options: { actor: Actor; db?: AppDatabase; now?: number }): DigestRunSummary {
  assertCan(options.actor, "maintain");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  if (new Date(now).getUTCHours() < DIGEST_HOUR_UTC) return { sent: 0, reason: "beforeDigestHour" };
  const today = toDayKey(now);
  const recipients = db.select({ id: users.id }).from(users).where(wantsTodaysDigest(today)).all();
  if (recipients.length === 0) return { sent: 0 };

  const config = getConfig();
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const digest = buildDigest({ dayStart: todayStart - DAY_MS, db, now });
  let sent = 0;
  for (const { id } of recipients) {
    const queued = db.transaction(
      (tx) => {
        const user = tx
          .select({ email: users.email, role: users.role, locale: users.digestLocale })
          .from(users)
          .where(and(eq(users.id, id), wantsTodaysDigest(today)))
          .get();
        if (!user || !isLocale(user.locale)) return false;
        const isQueued = enqueueEmail(tx, {
          kind: "digest",
          to: user.email,
          emailKey: `digest:${id}`,
          signatureId: null,
          locale: user.locale,
          email: renderDigestEmail({ digest: digestFor(digest, user.role), locale: user.locale, appUrl: config.appUrl }),
          now,
          dailyCap: 1,
        });
        if (isQueued) tx.update(users).set({ digestSentOn: today }).where(eq(users.id, id)).run();
        return isQueued;
      },
      { behavior: "immediate" },
    );
    if (queued) sent += 1;
  }
  if (sent > 0) nudgeOutboxSender();
  return { sent };
}
