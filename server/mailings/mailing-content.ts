import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { updates, updateTexts, type UpdateState } from "@/db/schema";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "@/lib/i18n/locales";

export type UpdateText = { title: string; body: string };

/** What a mailing sends: the update's public slug and its texts, fixed when the mailing is prepared. */
export type MailingContent = { slug: string; texts: Partial<Record<Locale, UpdateText>> };

export type UpdateForMailing = MailingContent & { id: number; state: UpdateState };

/**
 * The update as sending needs it (decision 0022): its state, slug and the
 * title and Markdown body of each of our locales. Part of the mailings
 * domain on purpose: the authoring pages own how updates are written, this
 * only reads what a mailing sends. Null when there is no such update.
 * Internal: callers check who may send.
 */
export function findUpdateForMailing(options: { updateId: number; db?: AppDatabase | Transaction }): UpdateForMailing | null {
  const db = options.db ?? getDb();
  const update = db.select({ id: updates.id, slug: updates.slug, state: updates.state }).from(updates).where(eq(updates.id, options.updateId)).get();
  if (!update) return null;
  const texts: Partial<Record<Locale, UpdateText>> = {};
  for (const row of db
    .select({ locale: updateTexts.locale, title: updateTexts.title, body: updateTexts.body })
    .from(updateTexts)
    .where(eq(updateTexts.updateId, update.id))
    .all()) {
    if (isLocale(row.locale) && row.title.trim()) texts[row.locale] = { title: row.title, body: row.body };
  }
  return { ...update, texts };
}

/**
 * The text a signer reads: their own language's, else the default
 * locale's, else the first there is. `isFallback` when it is not theirs.
 */
export function pickUpdateText(content: MailingContent, locale: Locale): { text: UpdateText; locale: Locale; isFallback: boolean } | null {
  const order = [locale, DEFAULT_LOCALE, ...LOCALES];
  for (const candidate of order) {
    const text = content.texts[candidate];
    if (text) return { text, locale: candidate, isFallback: candidate !== locale };
  }
  return null;
}

export function parseMailingContent(json: string): MailingContent {
  const parsed = JSON.parse(json) as MailingContent;
  return { slug: parsed.slug, texts: parsed.texts ?? {} };
}
