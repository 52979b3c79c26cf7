import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { updateRevisions, updates, updateTexts } from "@/db/schema";
import { DEFAULT_LOCALE } from "@/lib/i18n/locales";
import { parseUpdateForm, type UpdateFormData } from "@/lib/schemas/update";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getCampaign } from "@/server/content/get-campaign";
import { AppError } from "@/server/errors";
import { loadUpdate, snapshotOf, type UpdateRecord } from "./update-record";
import { draftSlug } from "./update-slug";

/** Parses again whatever the caller passes (the form already did): INVALID with a code per field. */
function checkInput(input: unknown): UpdateFormData {
  const parsed = parseUpdateForm(input);
  if (!parsed.success) throw new AppError("INVALID", "updateInvalid", parsed.errors as Record<string, string>);
  const data = parsed.data;
  if (data.authorId && !getCampaign(DEFAULT_LOCALE).signatories.some((person) => person.id === data.authorId)) {
    throw new AppError("INVALID", "updateInvalid", { authorId: "authorRequired" });
  }
  return data;
}

function writeTexts(tx: Transaction, id: number, data: UpdateFormData): void {
  tx.delete(updateTexts).where(eq(updateTexts.updateId, id)).run();
  for (const [locale, text] of Object.entries(data.texts)) {
    tx.insert(updateTexts).values({ updateId: id, locale, title: text.title, body: text.body }).run();
  }
}

const detailsOf = (data: UpdateFormData) => ({ kind: data.kind, locales: Object.keys(data.texts) });

function userIdOf(actor: Actor): number | null {
  return actor.kind === "organizer" ? actor.id : null;
}

/**
 * Writes a new update as a draft (nothing public changes). Needs
 * `writeUpdates`. `input` is the editor's form as `parseUpdateForm` reads it;
 * throws INVALID with a code per field. Audited.
 */
export function createUpdate(options: { actor: Actor; input: unknown; db?: AppDatabase; now?: number }): UpdateRecord {
  assertCan(options.actor, "writeUpdates");
  const data = checkInput(options.input);
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) => {
    const { id } = tx
      .insert(updates)
      .values({
        slug: draftSlug(),
        kind: data.kind,
        state: "draft",
        institution: data.institution,
        eventOn: data.eventOn,
        authorId: data.authorId,
        authorChange: data.authorChange,
        revision: 1,
        createdBy: userIdOf(options.actor),
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: updates.id })
      .get();
    writeTexts(tx, id, data);
    recordAudit(tx, { actor: toAuditActor(options.actor), action: "update.create", targetType: "update", targetId: id, details: detailsOf(data), now });
    return loadUpdate(tx, id);
  });
}

/**
 * Saves an edit of an update. Needs `writeUpdates`. `expectedRevision` is the
 * revision the editor was opened on: if someone saved since, CONFLICT
 * (nobody overwrites an edit they have not seen). A published update keeps
 * its slug and publication date, and the new version is kept as a revision
 * (decision 0021); saving what is already there changes nothing. Audited.
 */
export function editUpdate(options: {
  actor: Actor;
  id: number;
  expectedRevision: number;
  input: unknown;
  db?: AppDatabase;
  now?: number;
}): UpdateRecord {
  assertCan(options.actor, "writeUpdates");
  const data = checkInput(options.input);
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) => {
    const current = loadUpdate(tx, options.id);
    if (current.revision !== options.expectedRevision) throw new AppError("CONFLICT", "updateChanged");
    const next = { ...current, ...data, revision: current.revision + 1 };
    if (JSON.stringify({ ...snapshotOf(next), revision: 0 }) === JSON.stringify({ ...snapshotOf(current), revision: 0 })) return current;
    tx.update(updates)
      .set({
        kind: data.kind,
        institution: data.institution,
        eventOn: data.eventOn,
        authorId: data.authorId,
        authorChange: data.authorChange,
        revision: next.revision,
        updatedAt: now,
      })
      .where(eq(updates.id, current.id))
      .run();
    writeTexts(tx, current.id, data);
    const saved = loadUpdate(tx, current.id);
    const isPublished = saved.state === "published";
    if (isPublished) {
      tx.insert(updateRevisions)
        .values({ updateId: saved.id, revision: saved.revision, snapshot: JSON.stringify(snapshotOf(saved)), editedBy: userIdOf(options.actor), editedAt: now })
        .run();
    }
    recordAudit(tx, {
      actor: toAuditActor(options.actor),
      action: "update.edit",
      targetType: "update",
      targetId: saved.id,
      details: { ...detailsOf(data), revision: saved.revision, state: saved.state, ...(isPublished ? { slug: saved.slug } : {}) },
      now,
    });
    return saved;
  });
}
