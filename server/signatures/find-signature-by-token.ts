import "server-only";
import { and, eq, inArray } from "drizzle-orm";
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
 * The signature a link token of one of `purposes` belongs to, with the
 * token's expiry and what the lifecycle and an erasure need of the row;
 * undefined for a malformed or unknown token. Whether it has expired and
 * what its status allows is the caller's to judge. Anyone holding a link
 * may call it (it is how the link is checked).
 */
export function findSignatureByToken(db: AppDatabase | Transaction, token: string, purposes: readonly TokenPurpose[]) {
  if (!LINK_TOKEN_SHAPE.test(token) || purposes.length === 0) return undefined;
  return db
    .select({ ...ERASABLE_SIGNATURE_COLUMNS, expiresAt: signatureTokens.expiresAt })
    .from(signatureTokens)
    .innerJoin(signatures, eq(signatures.id, signatureTokens.signatureId))
    .where(and(eq(signatureTokens.tokenHash, hashToken(token)), inArray(signatureTokens.purpose, [...purposes])))
    .get();
}

export type TokenSignature = NonNullable<ReturnType<typeof findSignatureByToken>>;
