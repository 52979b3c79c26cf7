import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { updateRevisions, updates, updateTexts, users } from "@/db/schema";
import type { Locale } from "@/lib/i18n/locales";
import type { Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { AppError } from "@/server/errors";
import { loadUpdate, textsByLocale, type UpdateRecord, type UpdateSnapshot, type UpdateTexts } from "./update-record";
import { chooseUniqueSlug } from "./update-slug";
import { toUpdateView, type UpdateView } from "./update-view";

// What the admin area reads: drafts too. Viewers and up (decision 0021:
// drafts hold no personal data, and a viewer may proofread a translation).

export type AdminUpdateRow = {
  id: number;
  state: "draft" | "published";
  kind: UpdateRecord["kind"];
  slug: string | null;
  titles: Partial<Record<Locale, string>>;
  revision: number;
  updatedAt: number;
  publishedAt: number | null;
};

/** Every update, drafts first, then the newest. Needs `readUpdates`. */
export function listUpdatesForAdmin(options: { actor: Actor; db?: AppDatabase }): AdminUpdateRow[] {
  assertCan(options.actor, "readUpdates");
  const db = options.db ?? getDb();
  const rows = db.select().from(updates).orderBy(desc(updates.state), desc(updates.updatedAt), desc(updates.id)).all();
  const titles = db.select({ updateId: updateTexts.updateId, locale: updateTexts.locale, title: updateTexts.title }).from(updateTexts).all();
  return rows.map((row) => {
    const texts = textsByLocale(titles.filter((text) => text.updateId === row.id).map((text) => ({ ...text, body: "" })));
    return {
      id: row.id,
      state: row.state,
      kind: row.kind,
      slug: row.state === "published" ? row.slug : null,
      titles: Object.fromEntries(Object.entries(texts).map(([locale, text]) => [locale, text.title])),
      revision: row.revision,
      updatedAt: row.updatedAt,
      publishedAt: row.publishedAt,
    };
  });
}

export type UpdateRevisionEntry = { revision: number; editedAt: number; editedBy: string | null };

/** The slug an update has, or (a draft) would get if it were published now. */
function publicSlugOf(db: AppDatabase, record: UpdateRecord): string {
  return record.state === "published" ? record.slug : db.transaction((tx) => chooseUniqueSlug(tx, record.id, record.texts));
}

/**
 * One update as the editor opens it, with the slug it has or will get and
 * the published revisions kept of it (newest first). Needs `readUpdates`.
 */
export function getUpdateForEditing(options: { actor: Actor; id: number; db?: AppDatabase }): UpdateRecord & { publicSlug: string; revisions: UpdateRevisionEntry[] } {
  assertCan(options.actor, "readUpdates");
  const db = options.db ?? getDb();
  const record = loadUpdate(db, options.id);
  const revisions = db
    .select({ revision: updateRevisions.revision, editedAt: updateRevisions.editedAt, editedBy: users.email })
    .from(updateRevisions)
    .leftJoin(users, eq(users.id, updateRevisions.editedBy))
    .where(eq(updateRevisions.updateId, record.id))
    .orderBy(desc(updateRevisions.revision))
    .all();
  return { ...record, publicSlug: publicSlugOf(db, record), revisions };
}

export type UpdatePreview = {
  view: UpdateView;
  /** The slug it has, or will get when published now. */
  slug: string;
  state: "draft" | "published";
  revision: number;
  texts: UpdateTexts;
};

/**
 * An update as a reader in `locale` will see it, rendered by the same code
 * as the public page: the current text, or a kept revision's. A draft is
 * shown with the slug it would get if published now. Needs `readUpdates`.
 */
export function getUpdatePreview(options: { actor: Actor; id: number; locale: Locale; revision?: number; db?: AppDatabase; now?: number }): UpdatePreview {
  assertCan(options.actor, "readUpdates");
  const db = options.db ?? getDb();
  const record = loadUpdate(db, options.id);
  let shown: UpdateSnapshot & { texts: UpdateTexts } = record;
  if (options.revision !== undefined && options.revision !== record.revision) {
    const kept = db
      .select({ snapshot: updateRevisions.snapshot })
      .from(updateRevisions)
      .where(and(eq(updateRevisions.updateId, record.id), eq(updateRevisions.revision, options.revision)))
      .get();
    if (!kept) throw new AppError("NOT_FOUND", "updateNotFound");
    shown = JSON.parse(kept.snapshot) as UpdateSnapshot;
  }
  const slug = publicSlugOf(db, record);
  const facts = {
    slug,
    kind: shown.kind,
    institution: shown.institution,
    eventOn: shown.eventOn,
    authorId: shown.authorId,
    authorChange: shown.authorChange,
    publishedAt: record.publishedAt ?? options.now ?? Date.now(),
    editedAt: null,
  };
  const view = toUpdateView(facts, shown.texts, options.locale);
  if (!view) throw new AppError("NOT_FOUND", "updateNotFound");
  return { view, slug, state: record.state, revision: shown.revision, texts: shown.texts };
}
