import "server-only";
import { asc, eq } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { updates, updateTexts, type Update } from "@/db/schema";
import { isLocale, LOCALES, type Locale } from "@/lib/i18n/locales";
import type { UpdateText } from "@/lib/schemas/update";
import { AppError } from "@/server/errors";

export type UpdateTexts = Partial<Record<Locale, UpdateText>>;
export type UpdateRecord = Update & { texts: UpdateTexts };

/** Texts by locale, in the site's locale order. */
export function textsByLocale(rows: { locale: string; title: string; body: string }[]): UpdateTexts {
  const texts: UpdateTexts = {};
  for (const locale of LOCALES) {
    const row = rows.find((candidate) => candidate.locale === locale);
    if (row) texts[locale] = { title: row.title, body: row.body };
  }
  return texts;
}

/** One update with all its texts; NOT_FOUND for an unknown id. */
export function loadUpdate(db: AppDatabase | Transaction, id: number): UpdateRecord {
  if (!Number.isSafeInteger(id) || id < 1) throw new AppError("NOT_FOUND", "updateNotFound");
  const update = db.select().from(updates).where(eq(updates.id, id)).get();
  if (!update) throw new AppError("NOT_FOUND", "updateNotFound");
  const rows = db.select().from(updateTexts).where(eq(updateTexts.updateId, id)).orderBy(asc(updateTexts.locale)).all();
  return { ...update, texts: textsByLocale(rows.filter((row) => isLocale(row.locale))) };
}

/** What a revision keeps of an update: everything a reader sees, as JSON. */
export type UpdateSnapshot = Pick<Update, "revision" | "slug" | "kind" | "institution" | "eventOn" | "authorId" | "authorChange"> & { texts: UpdateTexts };

export function snapshotOf(record: UpdateRecord): UpdateSnapshot {
  const { revision, slug, kind, institution, eventOn, authorId, authorChange, texts } = record;
  return { revision, slug, kind, institution, eventOn, authorId, authorChange, texts };
}
