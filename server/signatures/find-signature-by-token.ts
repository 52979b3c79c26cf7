import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { SelectedFields } from "drizzle-orm/sqlite-core";
import type { AppDatabase, Transaction } from "@/db/client";
import { signatures, signatureTokens, type TokenPurpose } from "@/db/schema";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";
import { hashToken } from "@/server/security/tokens";

/** What the lifecycle (the counters) and an erasure need to know of a signature, read before they change it. */
export const ERASABLE_SIGNATURE_COLUMNS = {
  signatureId: signatures.id,
  status: signatures.status,
  emailKey: signatures.emailKey,
  country: signatures.country,
  verifiedAt: signatures.verifiedAt,
  referredBy: signatures.referredBy,
  utmSource: signatures.utmSource,
};

/**
 * The signature a link token of one of `purposes` belongs to: `columns` of
 * it and the token's `expiresAt`; undefined for a malformed or unknown
 * token. Whether it has expired and what its status allows is the caller's
 * to judge. Anyone holding a link may call it (it is how the link is
 * checked). The confirmation, on the hot path, reads only the columns it
 * needs.
 */
export function findSignatureByToken<Columns extends SelectedFields>(
  db: AppDatabase | Transaction,
  token: string,
  purposes: readonly TokenPurpose[],
  columns: Columns,
) {
  if (!LINK_TOKEN_SHAPE.test(token) || purposes.length === 0) return undefined;
  // One purpose as `=`, the confirmation's statement as it was before this helper (decision 0012: that path is measured).
  const purpose = purposes.length === 1 ? eq(signatureTokens.purpose, purposes[0]!) : inArray(signatureTokens.purpose, [...purposes]);
  return db
    .select({ ...columns, expiresAt: signatureTokens.expiresAt })
    .from(signatureTokens)
    .innerJoin(signatures, eq(signatures.id, signatureTokens.signatureId))
    .where(and(eq(signatureTokens.tokenHash, hashToken(token)), purpose))
    .get();
}
