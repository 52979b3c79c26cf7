import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { signatures } from "@/db/schema";

export type PublicSigner = { id: number; name: string; country: string; verifiedAt: number };

const CURSOR_SHAPE = /^(\d{1,15})-(\d{1,15})$/;

/** Reads a keyset cursor ("<verifiedAt>-<id>"); anything else means the first page. */
export function parseSignerCursor(cursor: string | undefined | null): { verifiedAt: number; id: number } | undefined {
  const match = cursor ? CURSOR_SHAPE.exec(cursor) : null;
  if (!match) return undefined;
  return { verifiedAt: Number(match[1]), id: Number(match[2]) };
}

/**
 * Verified signers who chose to show their name, newest first, paged by
 * keyset (cost is the same on page 1 and page 10,000). Only name, country
 * and date leave this function. Anyone may call it.
 */
export function listPublicSigners(options: { cursor?: string | null; limit?: number; db?: AppDatabase }): {
  signers: PublicSigner[];
  nextCursor: string | undefined;
} {
  const db = options.db ?? getDb();
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const after = parseSignerCursor(options.cursor);
  const rows = db
    .select({ id: signatures.id, name: signatures.name, country: signatures.country, verifiedAt: signatures.verifiedAt })
    .from(signatures)
    .where(
      and(
        eq(signatures.status, "verified"),
        eq(signatures.isPublicName, true),
        after ? sql`(${signatures.verifiedAt}, ${signatures.id}) < (${after.verifiedAt}, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(signatures.verifiedAt), desc(signatures.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit).map((row) => ({ ...row, verifiedAt: row.verifiedAt ?? 0 }));
  const last = page.at(-1);
  return { signers: page, nextCursor: rows.length > limit && last ? `${last.verifiedAt}-${last.id}` : undefined };
}
