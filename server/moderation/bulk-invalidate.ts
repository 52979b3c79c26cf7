import "server-only";
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { getDb, type AppDatabase, type Transaction } from "@/db/client";
import { signatures } from "@/db/schema";
import {
  BulkInvalidationFilterSchema,
  escapeLike,
  InvalidateSchema,
  namePatternToLike,
  rangeEndExclusiveMs,
  rangeStartMs,
  type BulkInvalidationFilterData,
  type BulkInvalidationFilterInput,
  type InvalidateInput,
} from "@/lib/schemas/moderation";
import { assertRole, toAuditActor, type Actor } from "@/server/auth/actor";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { addToCounter, toDayKey } from "@/server/stats/counters";
import { ensureTextFolding, nameMatches, parseOrThrow } from "./search-signatures";

const SAMPLE_SIZE = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

export type BulkInvalidationPreview = {
  count: number;
  byStatus: { pending: number; verified: number };
  byCountry: Record<string, number>;
  sample: { id: number; name: string; email: string; country: string; createdAt: number; status: string }[];
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
 * The matching rows counted by everything a counter is keyed on. A day is
 * grouped as a whole number of UTC days since 1970 and named by the same
 * `toDayKey` that named it when it was verified, so the keys cannot drift.
 */
function countMatches(tx: Transaction, where: SQL) {
  // A literal, not a parameter: a bound JS number is a REAL and would turn this into a fractional division.
  const dayNumber = sql<number | null>`${signatures.verifiedAt} / ${sql.raw(String(DAY_MS))}`;
  return tx
    .select({
      status: signatures.status,
      country: signatures.country,
      dayNumber,
      referredBy: signatures.referredBy,
      utmSource: signatures.utmSource,
      count: sql<number>`count(*)`,
    })
    .from(signatures)
    .where(where)
    .groupBy(signatures.status, signatures.country, dayNumber, signatures.referredBy, signatures.utmSource)
    .all();
}

/**
 * What a bulk invalidation with this filter would do, for the organizer to
 * check before running it: how many, of which status, from where, and the
 * newest few. Admins and owners only. Throws INVALID with a code for a
 * wrong or missing filter (`filterRequired`, `rangeInvalid`, …).
 */
export function previewBulkInvalidation(options: {
  actor: Actor;
  filter: BulkInvalidationFilterInput;
  db?: AppDatabase;
}): BulkInvalidationPreview {
  assertRole(options.actor, "admin");
  const filter = parseOrThrow(BulkInvalidationFilterSchema, options.filter);
  const db = options.db ?? getDb();
  ensureTextFolding(db);
  const where = bulkFilterWhere(filter);
  // One read transaction: the numbers and the sample come from the same snapshot.
  return db.transaction((tx) => {
    const preview: BulkInvalidationPreview = { count: 0, byStatus: { pending: 0, verified: 0 }, byCountry: {}, sample: [] };
    for (const group of countMatches(tx, where)) {
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
 * (details.count is the new number). Admins and owners only.
 *
 * Set-based so a burst of tens of thousands runs in one short write lock:
 * one grouped count, one UPDATE, and one counter update per country, day
 * and status touched, equal to what moving each row one by one would give.
 * Writes one audit row with the filter, the reason and the row count.
 */
export function bulkInvalidate(options: {
  actor: Actor;
  filter: BulkInvalidationFilterInput;
  reason: InvalidateInput["reason"];
  expectedCount: number;
  db?: AppDatabase;
  now?: number;
}): { invalidated: number } {
  assertRole(options.actor, "admin");
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
      const groups = countMatches(tx, where);
      const count = groups.reduce((sum, group) => sum + group.count, 0);
      if (count !== options.expectedCount) throw new AppError("CONFLICT", "countChanged", { count: String(count) });

      if (count > 0) {
        const changed = tx
          .update(signatures)
          .set({
            status: "invalidated",
            invalidatedAt: now,
            invalidationReason: reason,
            invalidatedBy: options.actor.kind === "organizer" ? options.actor.id : null,
          })
          .where(where)
          .run().changes;
        // Nobody else can write under the immediate lock; if this ever differs, roll back rather than miscount.
        if (changed !== count) throw new AppError("CONFLICT", "countChanged", { count: String(changed) });

        const byCountry = new Map<string, number>();
        const byDay = new Map<string, number>();
        const byStatus = new Map<string, number>();
        const byRef = new Map<string, number>();
        const byUtm = new Map<string, number>();
        let verified = 0;
        for (const group of groups) {
          byStatus.set(group.status, (byStatus.get(group.status) ?? 0) + group.count);
          if (group.status !== "verified") continue;
          verified += group.count;
          byCountry.set(group.country, (byCountry.get(group.country) ?? 0) + group.count);
          // Mirrors moveSignatureCounters: a verified row without a date was never in a day counter.
          if (group.dayNumber !== null) {
            const day = toDayKey(group.dayNumber * DAY_MS);
            byDay.set(day, (byDay.get(day) ?? 0) + group.count);
          }
          if (group.referredBy) byRef.set(group.referredBy, (byRef.get(group.referredBy) ?? 0) + group.count);
          if (group.utmSource) byUtm.set(group.utmSource, (byUtm.get(group.utmSource) ?? 0) + group.count);
        }
        addToCounter(tx, "total", "", -verified);
        for (const [country, n] of byCountry) addToCounter(tx, "country", country, -n);
        for (const [day, n] of byDay) addToCounter(tx, "day", day, -n);
        for (const [ref, n] of byRef) addToCounter(tx, "ref", ref, -n);
        for (const [source, n] of byUtm) addToCounter(tx, "utm", source, -n);
        for (const [status, n] of byStatus) addToCounter(tx, "status", status, -n);
        addToCounter(tx, "status", "invalidated", count);
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
