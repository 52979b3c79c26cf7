import "server-only";
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import {
  BulkInvalidationFilterSchema,
  escapeLike,
  InvalidateSchema,
  namePatternToLike,
  rangeEndExclusiveMs,
  rangeStartMs,
  type BulkFilterFields,
  type BulkInvalidationFilterData,
  type BulkInvalidationFilterInput,
  type InvalidateInput,
} from "@/lib/schemas/moderation";
import type { SignatureStatus } from "@/lib/signature-lifecycle";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { changeSignatureStatuses, countSignatureGroups } from "@/server/signatures/lifecycle";
import { ensureTextFolding, nameMatches, parseOrThrow } from "./search-signatures";

const SAMPLE_SIZE = 20;

export type BulkInvalidationPreview = {
  count: number;
  byStatus: { pending: number; verified: number };
  byCountry: Record<string, number>;
  sample: { id: number; name: string; email: string; country: string; createdAt: number; status: SignatureStatus }[];
};

function bulkFilterWhere(filter: BulkInvalidationFilterData): SQL {
  let emailDomain: SQL | undefined;
  if (filter.emailDomain) {
    const pattern = `%@${escapeLike(filter.emailDomain)}`;
    // The key folds googlemail.com into gmail.com; the address as typed does not: either matches.
    emailDomain = or(
      sql`${signatures.emailKey} LIKE ${pattern} ESCAPE '\\'`,
      sql`${signatures.email} LIKE ${pattern} ESCAPE '\\'`,
    );
  }
  return and(
    inArray(signatures.status, filter.statuses),
    emailDomain,
    filter.ipHash ? eq(signatures.ipHash, filter.ipHash) : undefined,
    filter.country ? eq(signatures.country, filter.country) : undefined,
    filter.from ? gte(signatures.createdAt, rangeStartMs(filter.from)) : undefined,
    filter.to ? lt(signatures.createdAt, rangeEndExclusiveMs(filter.to)) : undefined,
    filter.namePattern ? nameMatches(namePatternToLike(filter.namePattern)) : undefined,
  )!;
}

/**
 * What a bulk invalidation with this filter would do, for the organizer to
 * check before running it: how many, of which status, from where, and the
 * newest few (with their addresses). Needs `moderate`. Throws INVALID with
 * a code for a wrong or missing filter (`filterRequired`, `rangeInvalid`, …).
 */
export function previewBulkInvalidation(options: {
  actor: Actor;
  /** Parsed here: typed input, or the fields of the form as they came (`readBulkFilterFields`). */
  filter: BulkInvalidationFilterInput | BulkFilterFields;
  db?: AppDatabase;
}): BulkInvalidationPreview {
  assertCan(options.actor, "moderate");
  const filter = parseOrThrow(BulkInvalidationFilterSchema, options.filter);
  const db = options.db ?? getDb();
  ensureTextFolding(db);
  const where = bulkFilterWhere(filter);
  // One read transaction: the numbers and the sample come from the same snapshot.
  return db.transaction((tx) => {
    const preview: BulkInvalidationPreview = { count: 0, byStatus: { pending: 0, verified: 0 }, byCountry: {}, sample: [] };
    for (const group of countSignatureGroups(tx, where)) {
      preview.count += group.count;
      if (group.status === "pending" || group.status === "verified") preview.byStatus[group.status] += group.count;
      preview.byCountry[group.country] = (preview.byCountry[group.country] ?? 0) + group.count;
    }
    preview.sample = tx
      .select({
        id: signatures.id,
        name: signatures.name,
        email: signatures.email,
        country: signatures.country,
        createdAt: signatures.createdAt,
        status: signatures.status,
      })
      .from(signatures)
      .where(where)
      .orderBy(desc(signatures.createdAt), desc(signatures.id))
      .limit(SAMPLE_SIZE)
      .all();
    return preview;
  });
}

/**
 * Invalidates every signature matching the filter, with one reason, as the
 * organizer previewed it: if the number of matches is no longer
 * `expectedCount`, nothing changes and CONFLICT `countChanged` says so
 * (details.count is the new number). Needs `moderate`.
 *
 * Set-based so a burst of tens of thousands runs in one short write lock:
 * one grouped count, one UPDATE, and one counter update per counter
 * touched, from the same table of transitions as a single invalidation
 * (server/signatures/lifecycle.ts), equal to what moving each row one by
 * one would give. Writes one audit row with the filter, the reason and the row count.
 */
export function bulkInvalidate(options: {
  actor: Actor;
  /** Parsed here: typed input, or the fields of the form as they came (`readBulkFilterFields`). */
  filter: BulkInvalidationFilterInput | BulkFilterFields;
  reason: InvalidateInput["reason"];
  expectedCount: number;
  db?: AppDatabase;
  now?: number;
}): { invalidated: number } {
  assertCan(options.actor, "moderate");
  const filter = parseOrThrow(BulkInvalidationFilterSchema, options.filter);
  const { reason } = parseOrThrow(InvalidateSchema, { reason: options.reason });
  if (!Number.isSafeInteger(options.expectedCount) || options.expectedCount < 0) {
    throw new AppError("INVALID", "invalid", { expectedCount: "invalid" });
  }
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  ensureTextFolding(db);
  const where = bulkFilterWhere(filter);

  return db.transaction(
    (tx) => {
      const groups = countSignatureGroups(tx, where);
      const count = groups.reduce((sum, group) => sum + group.count, 0);
      if (count !== options.expectedCount) throw new AppError("CONFLICT", "countChanged", { count: String(count) });

      if (count > 0) {
        const changed = changeSignatureStatuses(tx, {
          where,
          groups,
          transition: "invalidate",
          set: { invalidatedAt: now, invalidationReason: reason, invalidatedBy: options.actor.kind === "organizer" ? options.actor.id : null },
        });
        // Nobody else can write under the immediate lock; if this ever differs, roll back rather than miscount.
        if (changed !== count) throw new AppError("CONFLICT", "countChanged", { count: String(changed) });
      }

      recordAudit(tx, {
        actor: toAuditActor(options.actor),
        action: "signature.bulkInvalidate",
        targetType: "signature",
        details: { filter, reason },
        rowCount: count,
        now,
      });
      return { invalidated: count };
    },
    { behavior: "immediate" },
  );
}
