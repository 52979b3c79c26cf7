import "server-only";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import { assertRole, toAuditActor, type Actor } from "@/server/auth/actor";
import { recordAudit } from "@/server/audit/record-audit";
import { addToCounter } from "@/server/stats/counters";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long an unconfirmed signature is kept (UNCONFIRMED_RETENTION_DAYS, default 14). */
export function getUnconfirmedRetentionDays(): number {
  const days = Number(process.env.UNCONFIRMED_RETENTION_DAYS ?? 14);
  return Number.isInteger(days) && days >= 1 ? days : 14;
}

/**
 * Deletes signatures never confirmed within `days` days, with their tokens
 * and emails: nobody confirmed the address, so nothing of it is kept.
 * The command line and owners only.
 */
export function purgeUnconfirmedSignatures(options: { actor: Actor; days?: number; db?: AppDatabase; now?: number }): { deleted: number } {
  assertRole(options.actor, "owner");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const days = options.days ?? getUnconfirmedRetentionDays();
  const cutoff = now - days * DAY_MS;
  return db.transaction(
    (tx) => {
      const stale = tx
        .select({ id: signatures.id, emailKey: signatures.emailKey })
        .from(signatures)
        .where(and(eq(signatures.status, "pending"), lt(signatures.createdAt, cutoff)))
        .all();
      for (let start = 0; start < stale.length; start += 500) {
        const batch = stale.slice(start, start + 500);
        tx.delete(signatureTokens).where(inArray(signatureTokens.signatureId, batch.map((row) => row.id))).run();
        tx.delete(mailOutbox).where(inArray(mailOutbox.recipientKey, batch.map((row) => row.emailKey))).run();
        tx.delete(signatures).where(inArray(signatures.id, batch.map((row) => row.id))).run();
      }
      addToCounter(tx, "status", "pending", -stale.length);
      recordAudit(tx, { actor: toAuditActor(options.actor), action: "retention.purgeUnconfirmed", details: { days }, rowCount: stale.length, now });
      return { deleted: stale.length };
    },
    { behavior: "immediate" },
  );
}

/**
 * For a closed campaign: erases every signer's personal data (name, email,
 * city, network hash, utm) while keeping each row's status, country and
 * dates, so every count, chart and export of totals stays as it was.
 * Pending signatures are deleted. Tokens and emails go. Owners and the
 * command line only; irreversible.
 */
export function anonymiseAllSignatures(options: { actor: Actor; db?: AppDatabase; now?: number }): { anonymised: number; deletedPending: number } {
  assertRole(options.actor, "owner");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const deletedPending = purgeUnconfirmedSignatures({ actor: options.actor, days: 0, db, now: now + 1 }).deleted;
  return db.transaction(
    (tx) => {
      tx.delete(signatureTokens).run();
      tx.delete(mailOutbox).run();
      const anonymised = tx
        .update(signatures)
        .set({
          name: "",
          email: "",
          emailKey: sql`'anonymised:' || ${signatures.id}`,
          city: null,
          ipHash: null,
          utmSource: null,
          utmCampaign: null,
          isPublicName: false,
          wantsUpdates: false,
        })
        .where(sql`${signatures.emailKey} not like 'anonymised:%'`)
        .run().changes;
      recordAudit(tx, { actor: toAuditActor(options.actor), action: "retention.anonymiseAll", rowCount: anonymised, now });
      return { anonymised, deletedPending };
    },
    { behavior: "immediate" },
  );
}

export type PersonalDataExport = {
  email: string;
  signature: {
    name: string;
    email: string;
    country: string;
    city: string | null;
    isPublicName: boolean;
    wantsUpdates: boolean;
    locale: string;
    status: string;
    createdAt: string;
    verifiedAt: string | null;
    consentVersion: string;
    networkHashStored: boolean;
  } | null;
  emailsSent: { subject: string; createdAt: string; status: string }[];
};

/**
 * Everything stored about one address, for a subject access request. The
 * command line and admins and up; audited (without the address).
 */
export function exportPersonalData(options: { actor: Actor; email: string; db?: AppDatabase; now?: number }): PersonalDataExport {
  assertRole(options.actor, "admin");
  const db = options.db ?? getDb();
  const key = normalizeEmail(options.email);
  const row = db.select().from(signatures).where(eq(signatures.emailKey, key)).get();
  const mails = db
    .select({ subject: mailOutbox.subject, createdAt: mailOutbox.createdAt, status: mailOutbox.status })
    .from(mailOutbox)
    .where(eq(mailOutbox.recipientKey, key))
    .all();
  recordAudit(db, { actor: toAuditActor(options.actor), action: "privacy.exportPerson", targetType: "signature", targetId: row?.id, now: options.now });
  return {
    email: options.email,
    signature: row
      ? {
          name: row.name,
          email: row.email,
          country: row.country,
          city: row.city,
          isPublicName: row.isPublicName,
          wantsUpdates: row.wantsUpdates,
          locale: row.locale,
          status: row.status,
          createdAt: new Date(row.createdAt).toISOString(),
          verifiedAt: row.verifiedAt ? new Date(row.verifiedAt).toISOString() : null,
          consentVersion: row.consentVersion,
          networkHashStored: row.ipHash !== null,
        }
      : null,
    emailsSent: mails.map((mail) => ({ subject: mail.subject, createdAt: new Date(mail.createdAt).toISOString(), status: mail.status })),
  };
}
