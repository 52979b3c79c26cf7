import "server-only";
import { and, eq, ne } from "drizzle-orm";
import slugify from "slugify";
import type { Transaction } from "@/db/client";
import { updates } from "@/db/schema";
import { DEFAULT_LOCALE, LOCALES } from "@/lib/i18n/locales";
import type { UpdateTexts } from "./update-record";

const SLUG_MAX_LENGTH = 80;

/**
 * A title as a URL segment: transliterated to ASCII (slugify's table covers
 * Russian and Ukrainian letters), lower case, words joined by hyphens, at
 * most 80 characters, cut at a word. Empty when nothing is left.
 */
export function slugFromTitle(title: string): string {
  const slug = slugify(title, { lower: true, strict: true, trim: true });
  if (slug.length <= SLUG_MAX_LENGTH) return slug;
  const cut = slug.slice(0, SLUG_MAX_LENGTH + 1);
  const atWord = cut.slice(0, cut.lastIndexOf("-"));
  return atWord.length > 0 ? atWord : slug.slice(0, SLUG_MAX_LENGTH);
}

/** The title a slug comes from: the English one, else the first language written. */
export function slugTitle(texts: UpdateTexts): string {
  const locale = texts[DEFAULT_LOCALE] ? DEFAULT_LOCALE : LOCALES.find((candidate) => texts[candidate]);
  return locale ? texts[locale]!.title : "";
}

/** A slug no other update has: the title's, or `update-<id>`, with `-2`, `-3`, … when taken. */
export function chooseUniqueSlug(tx: Transaction, id: number, texts: UpdateTexts): string {
  const base = slugFromTitle(slugTitle(texts)) || `update-${id}`;
  for (let suffix = 1; ; suffix++) {
    const candidate = suffix === 1 ? base : `${base}-${suffix}`;
    const taken = tx.select({ id: updates.id }).from(updates).where(and(eq(updates.slug, candidate), ne(updates.id, id))).get();
    if (!taken) return candidate;
  }
}

/**
 * Drafts hold a placeholder slug (the column is unique and not null): "~" is
 * never in a real slug, so it can neither clash with one nor be asked for by
 * a public URL (PUBLIC_SLUG_SHAPE).
 */
export function draftSlug(): string {
  return `~draft-${crypto.randomUUID()}`;
}

/** What a published update's slug looks like; anything else is not looked up. */
export const PUBLIC_SLUG_SHAPE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
