import "server-only";
import { and, desc, eq, gte, lt, or, sql, type SQL } from "drizzle-orm";
import type * as z from "zod/mini";
import { getDb, type AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import {
  foldText,
  parseModerationInput,
  parseSearchCursor,
  rangeEndExclusiveMs,
  rangeStartMs,
  SignatureSearchSchema,
  toContainsLike,
  type SignatureSearchInput,
} from "@/lib/schemas/moderation";
import type { Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { AppError } from "@/server/errors";

/** What organizers see of a signature in lists and after a moderation action. */
export const MODERATED_SIGNATURE_COLUMNS = {
  id: signatures.id,
  name: signatures.name,
  email: signatures.email,
  country: signatures.country,
  city: signatures.city,
  status: signatures.status,
  isPublicName: signatures.isPublicName,
  createdAt: signatures.createdAt,
  verifiedAt: signatures.verifiedAt,
  invalidatedAt: signatures.invalidatedAt,
  invalidationReason: signatures.invalidationReason,
  referredBy: signatures.referredBy,
  utmSource: signatures.utmSource,
};

export type ModeratedSignature = {
  id: number;
  name: string;
  email: string;
  country: string;
  city: string | null;
  status: "pending" | "verified" | "invalidated" | "withdrawn";
  isPublicName: boolean;
  createdAt: number;
  verifiedAt: number | null;
  invalidatedAt: number | null;
  invalidationReason: string | null;
  referredBy: string | null;
  utmSource: string | null;
};

export type SignatureDetail = ModeratedSignature & {
  ipHash: string | null;
  locale: string;
  refCode: string;
  referredBy: string | null;
  consentVersion: string;
  wantsUpdates: boolean;
  invalidatedBy: number | null;
};

/**
 * Parses moderation input on the server whatever the route did, so a wrong
 * filter is a 400 with a code (`details` has one code per field), never a 500.
 */
export function parseOrThrow<S extends z.core.$ZodType>(schema: S, input: unknown): z.output<S> {
  const result = parseModerationInput(schema, input);
  if (result.success) return result.data;
  const [firstCode = "invalid"] = Object.values(result.errors);
  throw new AppError("INVALID", firstCode, result.errors);
}

const FOLD_FUNCTION = "undersigned_fold";
const connectionsWithFold = new WeakSet<object>();

/**
 * SQLite's LIKE and lower() fold ASCII only, and many signers write their
 * names in Cyrillic: name matches compare both sides through JavaScript's
 * case folding, registered once per connection (it is not stored in the file).
 */
export function ensureTextFolding(db: AppDatabase): void {
  if (connectionsWithFold.has(db.$client)) return;
  db.$client.function(FOLD_FUNCTION, { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? foldText(value) : null,
  );
  connectionsWithFold.add(db.$client);
}

/** `name` contains `likePattern` (already folded and escaped), ignoring case in any script. */
export function nameMatches(likePattern: string): SQL {
  return sql`${sql.raw(FOLD_FUNCTION)}(${signatures.name}) LIKE ${likePattern} ESCAPE '\\'`;
}

function emailContains(value: string): SQL {
  const pattern = toContainsLike(value);
  // email_key drops +tags and Gmail dots, `email` keeps them as typed: match
  // either, and a whole address also by its key, so any spelling finds it.
  const conditions = [
    sql`${signatures.emailKey} LIKE ${pattern} ESCAPE '\\'`,
    sql`${signatures.email} LIKE ${pattern} ESCAPE '\\'`,
  ];
  if (value.includes("@")) conditions.push(eq(signatures.emailKey, normalizeEmail(value)));
  return or(...conditions)!;
}

/**
 * Signatures matching every given filter, newest first (created_at, id),
 * paged by keyset. Needs `seePersonalData`: the rows carry addresses and
 * private names, which viewers must never see.
 */
export function searchSignatures(options: { actor: Actor; filters: SignatureSearchInput; db?: AppDatabase }): {
  rows: ModeratedSignature[];
  nextCursor: string | undefined;
} {
  assertCan(options.actor, "seePersonalData");
  const filters = parseOrThrow(SignatureSearchSchema, options.filters);
  const db = options.db ?? getDb();
  ensureTextFolding(db);
  const after = parseSearchCursor(filters.cursor);
  const rows = db
    .select(MODERATED_SIGNATURE_COLUMNS)
    .from(signatures)
    .where(
      and(
        filters.q ? or(emailContains(filters.q.toLowerCase()), nameMatches(toContainsLike(foldText(filters.q)))) : undefined,
        filters.email ? emailContains(filters.email) : undefined,
        filters.name ? nameMatches(toContainsLike(foldText(filters.name))) : undefined,
        filters.country ? eq(signatures.country, filters.country) : undefined,
        filters.status ? eq(signatures.status, filters.status) : undefined,
        filters.from ? gte(signatures.createdAt, rangeStartMs(filters.from)) : undefined,
        filters.to ? lt(signatures.createdAt, rangeEndExclusiveMs(filters.to)) : undefined,
        after ? sql`(${signatures.createdAt}, ${signatures.id}) < (${after.createdAt}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(signatures.createdAt), desc(signatures.id))
    .limit(filters.limit + 1)
    .all();
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > filters.limit && last ? `${last.createdAt}-${last.id}` : undefined };
}

/**
 * One signature with everything organizers may need to judge it (IP hash,
 * language, referral, consent). Needs `seePersonalData`. Throws NOT_FOUND.
 */
export function getSignatureDetail(options: { actor: Actor; id: number; db?: AppDatabase }): SignatureDetail {
  assertCan(options.actor, "seePersonalData");
  const db = options.db ?? getDb();
  if (!Number.isSafeInteger(options.id) || options.id < 1) throw new AppError("NOT_FOUND", "signatureNotFound");
  const row = db
    .select({
      ...MODERATED_SIGNATURE_COLUMNS,
      ipHash: signatures.ipHash,
      locale: signatures.locale,
      refCode: signatures.refCode,
      referredBy: signatures.referredBy,
      consentVersion: signatures.consentVersion,
      wantsUpdates: signatures.wantsUpdates,
      invalidatedBy: signatures.invalidatedBy,
    })
    .from(signatures)
    .where(eq(signatures.id, options.id))
    .get();
  if (!row) throw new AppError("NOT_FOUND", "signatureNotFound");
  return row;
}
