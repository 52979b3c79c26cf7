import "server-only";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "@/lib/i18n/locales";
import type { AuthorChange, UpdateKind } from "@/lib/schemas/update";
import { summarizeMarkdown } from "@/server/content/markdown-text";
import { renderMarkdown } from "@/server/content/render-markdown";
import type { UpdateTexts } from "./update-record";

/** Which of an update's texts a reader in `locale` gets: their own, else English, else the first written. */
export function pickTextLocale(texts: UpdateTexts, locale: Locale): Locale | undefined {
  if (texts[locale]) return locale;
  if (texts[DEFAULT_LOCALE]) return DEFAULT_LOCALE;
  return LOCALES.find((candidate) => texts[candidate]);
}

/** An update's facts that do not depend on the language. */
export type UpdateFacts = {
  slug: string;
  kind: UpdateKind;
  institution: string | null;
  eventOn: string | null;
  authorId: string | null;
  authorChange: AuthorChange | null;
  /** ms; null for a draft (a preview shows it as if published now). */
  publishedAt: number | null;
  /** ms of the last edit after publishing, or null. */
  editedAt: number | null;
};

/** An update as a reader in one locale sees it, on its page, in the list and in the feed. */
export type UpdateView = UpdateFacts & {
  title: string;
  /** The body as HTML (safe renderer: raw HTML shown as text, dangerous links dropped): insert as it is. */
  html: string;
  /** Plain text for link previews and feed summaries. */
  summary: string;
  /** The language of the text shown; differs from the page's when the update has none in it. */
  textLocale: Locale;
  isFallback: boolean;
};

export const UPDATE_SUMMARY_LENGTH = 200;

/** The reader's view of an update (null if it has no text at all, which the editor never allows). */
export function toUpdateView(facts: UpdateFacts, texts: UpdateTexts, locale: Locale): UpdateView | null {
  const textLocale = pickTextLocale(texts, locale);
  if (!textLocale) return null;
  const text = texts[textLocale]!;
  return {
    ...facts,
    title: text.title,
    html: renderMarkdown(text.body),
    summary: summarizeMarkdown(text.body, UPDATE_SUMMARY_LENGTH),
    textLocale,
    isFallback: textLocale !== locale,
  };
}
