import "server-only";
import { and, desc, eq, gt, notInArray, sql } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { partnerCodes, signatures, signatureTokens, statCounters } from "@/db/schema";
import { REF_CODE_SHAPE } from "@/lib/schemas/sign-letter";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { AppError } from "@/server/errors";
import { hashToken } from "@/server/security/tokens";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";


function countFor(db: AppDatabase, scope: "ref" | "utm", key: string): number {
  return db.select({ count: statCounters.count }).from(statCounters).where(and(eq(statCounters.scope, scope), eq(statCounters.key, key))).get()?.count ?? 0;
}

export type SignerSharing = { refCode: string; isVerified: boolean; signedThroughLink: number };

/**
 * What the signer's private page shows: their own share code and how many
 * verified signatures came through it — a number, never who. Anyone holding
 * the signer's `manage` link (from their email) may call it; throws
 * NOT_FOUND for an unknown or expired link.
 */
export function getSignerSharing(options: { token: string; purpose?: "manage" | "confirm"; db?: AppDatabase; now?: number }): SignerSharing {
  const db = options.db ?? getDb();
  if (!LINK_TOKEN_SHAPE.test(options.token)) throw new AppError("NOT_FOUND", "tokenInvalid");
  const row = db
    .select({ refCode: signatures.refCode, status: signatures.status })
    .from(signatureTokens)
    .innerJoin(signatures, eq(signatures.id, signatureTokens.signatureId))
    .where(
      and(
        eq(signatureTokens.tokenHash, hashToken(options.token)),
        eq(signatureTokens.purpose, options.purpose ?? "manage"),
        gt(signatureTokens.expiresAt, options.now ?? Date.now()),
      ),
    )
    .get();
  if (!row || (row.status !== "pending" && row.status !== "verified")) throw new AppError("NOT_FOUND", "tokenInvalid");
  return { refCode: row.refCode, isVerified: row.status === "verified", signedThroughLink: countFor(db, "ref", row.refCode) };
}

export type PartnerCodeSummary = { code: string; label: string; createdAt: number; verified: number };

/** Partner codes with the verified signatures each brought. Needs `readTotals` (numbers only). */
export function listPartnerCodes(options: { actor: Actor; db?: AppDatabase }): PartnerCodeSummary[] {
  assertCan(options.actor, "readTotals");
  const db = options.db ?? getDb();
  return db
    .select({ code: partnerCodes.code, label: partnerCodes.label, createdAt: partnerCodes.createdAt })
    .from(partnerCodes)
    .orderBy(desc(partnerCodes.createdAt))
    .all()
    .map((row) => ({ ...row, verified: countFor(db, "ref", row.code) }));
}

/**
 * Creates a partner code (e.g. `diaspora-berlin`) for an organisation to put
 * in its links (`?ref=`). Needs `managePartnerCodes`. The code must not clash with a
 * signer's code or another partner's.
 */
export function createPartnerCode(options: { actor: Actor; code: string; label: string; db?: AppDatabase; now?: number }): PartnerCodeSummary {
  assertCan(options.actor, "managePartnerCodes");
  const code = options.code.trim().toLowerCase();
  const label = options.label.normalize("NFC").trim().slice(0, 100);
  if (!REF_CODE_SHAPE.test(code)) throw new AppError("INVALID", "partnerCodeInvalid");
  if (!label) throw new AppError("INVALID", "partnerLabelRequired");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  return db.transaction(
    (tx) => {
      const clashes =
        tx.select({ id: partnerCodes.id }).from(partnerCodes).where(eq(partnerCodes.code, code)).get() ??
        tx.select({ id: signatures.id }).from(signatures).where(eq(signatures.refCode, code)).get();
      if (clashes) throw new AppError("CONFLICT", "partnerCodeTaken");
      tx.insert(partnerCodes)
        .values({ code, label, createdBy: options.actor.kind === "organizer" ? options.actor.id : null, createdAt: now })
        .run();
      recordAudit(tx, { actor: toAuditActor(options.actor), action: "partnerCode.create", targetType: "partnerCode", targetId: code, details: { label }, now });
      return { code, label, createdAt: now, verified: 0 };
    },
    { behavior: "immediate" },
  );
}

export type ReferralSources = { partners: { code: string; label: string; count: number }[]; signerLinks: number; utmSources: { source: string; count: number }[] };

/**
 * Where verified signatures came from, for the dashboard: per partner code,
 * all signer links together (no individual signer is singled out), and per
 * utm_source. From counters only. Needs `readTotals`.
 */
export function getReferralSources(options: { actor: Actor; db?: AppDatabase }): ReferralSources {
  assertCan(options.actor, "readTotals");
  const db = options.db ?? getDb();
  // Partners are few: join them to their counters. Signer links can be one counter row per signer,
  // so they are summed in SQL rather than read row by row on every dashboard load.
  const partners = db
    .select({ code: partnerCodes.code, label: partnerCodes.label, count: statCounters.count })
    .from(partnerCodes)
    .innerJoin(statCounters, and(eq(statCounters.scope, "ref"), eq(statCounters.key, partnerCodes.code)))
    .where(gt(statCounters.count, 0))
    .orderBy(desc(statCounters.count))
    .all();
  const signerLinks =
    db
      .select({ total: sql<number | null>`sum(${statCounters.count})` })
      .from(statCounters)
      .where(
        and(
          eq(statCounters.scope, "ref"),
          gt(statCounters.count, 0),
          notInArray(statCounters.key, db.select({ code: partnerCodes.code }).from(partnerCodes)),
        ),
      )
      .get()?.total ?? 0;
  const utmSources = db
    .select({ source: statCounters.key, count: statCounters.count })
    .from(statCounters)
    .where(and(eq(statCounters.scope, "utm"), gt(statCounters.count, 0)))
    .orderBy(desc(statCounters.count))
    .limit(20)
    .all();
  return { partners, signerLinks, utmSources };
}
