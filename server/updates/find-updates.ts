import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { updateRevisions, updates, updateTexts, type Update } from "@/db/schema";
import type { Locale } from "@/lib/i18n/locales";
import { textsByLocale } from "./update-record";
import { PUBLIC_SLUG_SHAPE } from "./update-slug";
import { pickTextLocale, toUpdateView, type UpdateFacts, type UpdateView } from "./update-view";

// What the public pages read: published updates only. Anyone may call
// these; a draft never leaves them (decision 0021).

/** An entry of the public list: no body. */
export type UpdateSummary = UpdateFacts & { title: string; textLocale: Locale; isFallback: boolean };

const PUBLISHED = eq(updates.state, "published");
/** The public list and the feed show this many; older updates keep their pages. */
export const UPDATES_LIST_LIMIT = 100;

function factsOf(update: Update, lastEditedAt: number | null): UpdateFacts {
  return {
    slug: update.slug,
    kind: update.kind,
    institution: update.institution,
    eventOn: update.eventOn,
    authorId: update.authorId,
    authorChange: update.authorChange,
    publishedAt: update.publishedAt,
    editedAt: lastEditedAt !== null && update.publishedAt !== null && lastEditedAt > update.publishedAt ? lastEditedAt : null,
  };
}

/** When each update was last edited after publishing (the newest revision's time). */
function lastEdits(db: AppDatabase, ids: number[]): Map<number, number> {
  const edits = new Map<number, number>();
  if (ids.length === 0) return edits;
  for (const row of db.select({ updateId: updateRevisions.updateId, editedAt: updateRevisions.editedAt }).from(updateRevisions).where(inArray(updateRevisions.updateId, ids)).all()) {
    edits.set(row.updateId, Math.max(edits.get(row.updateId) ?? 0, row.editedAt));
  }
  return edits;
}

/** Published updates, newest first, as list entries in `locale` (titles only, no bodies read). */
export function listPublishedUpdates(options: { locale: Locale; limit?: number; db?: AppDatabase }): UpdateSummary[] {
  const db = options.db ?? getDb();
  const rows = db.select().from(updates).where(PUBLISHED).orderBy(desc(updates.publishedAt), desc(updates.id)).limit(options.limit ?? UPDATES_LIST_LIMIT).all();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const titles = db.select({ updateId: updateTexts.updateId, locale: updateTexts.locale, title: updateTexts.title }).from(updateTexts).where(inArray(updateTexts.updateId, ids)).all();
  const edits = lastEdits(db, ids);
  return rows.flatMap((row) => {
    const texts = textsByLocale(titles.filter((text) => text.updateId === row.id).map((text) => ({ ...text, body: "" })));
    const textLocale = pickTextLocale(texts, options.locale);
    if (!textLocale) return [];
    return [{ ...factsOf(row, edits.get(row.id) ?? null), title: texts[textLocale]!.title, textLocale, isFallback: textLocale !== options.locale }];
  });
}

/** The newest published update, for the letter page; null before the first. */
export function findLatestUpdate(options: { locale: Locale; db?: AppDatabase }): UpdateSummary | null {
  return listPublishedUpdates({ ...options, limit: 1 })[0] ?? null;
}

/** Published updates with their bodies, newest first (the feed). */
export function listPublishedUpdateViews(options: { locale: Locale; limit?: number; db?: AppDatabase }): UpdateView[] {
  const db = options.db ?? getDb();
  const rows = db.select().from(updates).where(PUBLISHED).orderBy(desc(updates.publishedAt), desc(updates.id)).limit(options.limit ?? UPDATES_LIST_LIMIT).all();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const texts = db.select().from(updateTexts).where(inArray(updateTexts.updateId, ids)).all();
  const edits = lastEdits(db, ids);
  return rows.flatMap((row) => {
    const view = toUpdateView(factsOf(row, edits.get(row.id) ?? null), textsByLocale(texts.filter((text) => text.updateId === row.id)), options.locale);
    return view ? [view] : [];
  });
}

/** One published update by its slug, as a reader in `locale` sees it; null for a draft, an unknown or a malformed slug. */
export function findPublishedUpdate(options: { slug: string; locale: Locale; db?: AppDatabase }): UpdateView | null {
  if (!PUBLIC_SLUG_SHAPE.test(options.slug)) return null;
  const db = options.db ?? getDb();
  const row = db.select().from(updates).where(and(PUBLISHED, eq(updates.slug, options.slug))).get();
  if (!row) return null;
  const texts = textsByLocale(db.select().from(updateTexts).where(eq(updateTexts.updateId, row.id)).all());
  return toUpdateView(factsOf(row, lastEdits(db, [row.id]).get(row.id) ?? null), texts, options.locale);
}

/**
 * For the authors' cards on the letter page: each author's newest published
 * change (released, moved, new sentence), with its date and a link target.
 */
export function findAuthorChanges(options: { locale: Locale; db?: AppDatabase }): Map<string, UpdateSummary> {
  const db = options.db ?? getDb();
  const rows = db
    .select()
    .from(updates)
    .where(and(PUBLISHED, eq(updates.kind, "authorChange")))
    .orderBy(desc(updates.eventOn), desc(updates.publishedAt), desc(updates.id))
    .all();
  const newest = new Map<string, Update>();
  for (const row of rows) if (row.authorId && !newest.has(row.authorId)) newest.set(row.authorId, row);
  if (newest.size === 0) return new Map();
  const ids = [...newest.values()].map((row) => row.id);
  const titles = db.select({ updateId: updateTexts.updateId, locale: updateTexts.locale, title: updateTexts.title }).from(updateTexts).where(inArray(updateTexts.updateId, ids)).all();
  const changes = new Map<string, UpdateSummary>();
  for (const [authorId, row] of newest) {
    const texts = textsByLocale(titles.filter((text) => text.updateId === row.id).map((text) => ({ ...text, body: "" })));
    const textLocale = pickTextLocale(texts, options.locale);
    if (textLocale) changes.set(authorId, { ...factsOf(row, null), title: texts[textLocale]!.title, textLocale, isFallback: textLocale !== options.locale });
  }
  return changes;
}
