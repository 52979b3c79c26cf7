import "server-only";
import { eq } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { updateRevisions, updates } from "@/db/schema";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { loadUpdate, snapshotOf, type UpdateRecord } from "./update-record";
import { chooseUniqueSlug } from "./update-slug";

/**
 * Publishes a draft: it gets its slug (from the English title, else the
 * first one written; fixed from now on) and its date, shows on the public
 * pages and in the feeds, and its text is kept as the first published
 * revision. Needs `publishUpdates`. `expectedRevision` is the revision the
 * organizer previewed: if it was edited since, CONFLICT, so what is
 * published is exactly what was previewed. Publishing twice is CONFLICT.
 * Audited. The caller refreshes the cached public pages.
 */
export function publishUpdate(options: { actor: Actor; id: number; expectedRevision: number; db?: AppDatabase; now?: number }): UpdateRecord {
  assertCan(options.actor, "publishUpdates");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction((tx) => {
    const current = loadUpdate(tx, options.id);
    if (current.state === "published") throw new AppError("CONFLICT", "updateAlreadyPublished");
    if (current.revision !== options.expectedRevision) throw new AppError("CONFLICT", "updateChanged");
    const slug = chooseUniqueSlug(tx, current.id, current.texts);
    tx.update(updates).set({ state: "published", slug, publishedAt: now, updatedAt: now }).where(eq(updates.id, current.id)).run();
    const published = loadUpdate(tx, current.id);
    tx.insert(updateRevisions)
      .values({
        updateId: published.id,
        revision: published.revision,
        snapshot: JSON.stringify(snapshotOf(published)),
        editedBy: options.actor.kind === "organizer" ? options.actor.id : null,
        editedAt: now,
      })
      .run();
    recordAudit(tx, {
      actor: toAuditActor(options.actor),
      action: "update.publish",
      targetType: "update",
      targetId: published.id,
      details: { slug, kind: published.kind, revision: published.revision, locales: Object.keys(published.texts) },
      now,
    });
    return published;
  });
}
