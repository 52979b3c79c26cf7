import "server-only";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { getDb, type AppDatabase } from "@/db/client";
import { mailOutbox, signatures, signatureTokens } from "@/db/schema";
import { OUTBOX_EMAIL_COLUMNS, outboxEmailSubject } from "@/server/mail/render-outbox-email";
import { checkpointAfterErasure } from "@/db/wal-checkpointer";
import { normalizeEmail } from "@/lib/email";
import { canChange, statusesBefore } from "@/lib/signature-lifecycle";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getConfig } from "@/server/config";
import { ERASABLE_SIGNATURE_COLUMNS } from "@/server/signatures/find-signature-by-token";
import { countSignatureGroups, moveCountersForGroups } from "@/server/signatures/lifecycle";
import { eraseSignature } from "@/server/signatures/withdraw-signature";
import { dropIpHashFromAudit, erasedPersonalData } from "./erasure";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long an unconfirmed signature is kept (UNCONFIRMED_RETENTION_DAYS, default 30). */
export function getUnconfirmedRetentionDays(): number {
  return getConfig().unconfirmedRetentionDays;
}

/**
 * Deletes signatures never confirmed within `days` days, with their tokens,
 * their queued emails and the IP hash of their audit rows: nobody confirmed
 * the address, so nothing of it is kept. The server's maintenance runs it
 * hourly (decision 0019); the command line and owners too
 * (`eraseSignatures`).
 */
export function purgeUnconfirmedSignatures(options: {
  actor: Actor;
  days?: number;
  db?: AppDatabase;
  now?: number;
  /** false: the caller checkpoints once after several erasures (the maintenance run). */
  checkpoint?: boolean;
}): { deleted: number } {
  assertCan(options.actor, "eraseSignatures");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const days = options.days ?? getUnconfirmedRetentionDays();
  const cutoff = now - days * DAY_MS;
  const result = db.transaction(
    (tx) => {
      const where = and(inArray(signatures.status, statusesBefore("purge")), lt(signatures.createdAt, cutoff));
      const groups = countSignatureGroups(tx, where);
      const stale = tx.select({ id: signatures.id }).from(signatures).where(where).all();
      for (let start = 0; start < stale.length; start += 500) {
        const ids = stale.slice(start, start + 500).map((row) => row.id);
        tx.delete(signatureTokens).where(inArray(signatureTokens.signatureId, ids)).run();
        tx.delete(mailOutbox).where(inArray(mailOutbox.signatureId, ids)).run();
        tx.delete(signatures).where(inArray(signatures.id, ids)).run();
        dropIpHashFromAudit(tx, ids);
      }
      moveCountersForGroups(tx, "purge", groups);
      // The hourly maintenance run logs itself (maintenance_runs); the audit log hears of real deletions.
      if (stale.length > 0) recordAudit(tx, { actor: toAuditActor(options.actor), action: "retention.purgeUnconfirmed", details: { days }, rowCount: stale.length, now });
      return { deleted: stale.length };
    },
    { behavior: "immediate" },
  );
  if (result.deleted > 0 && options.checkpoint !== false) checkpointAfterErasure(db);
  return result;
}

/**
 * For a closed campaign: erases every signer's personal data (name, email,
 * city, network hash, utm) while keeping each row's status, country and
 * dates, so every count, chart and export of totals stays as it was.
 * Pending signatures are deleted. Tokens, emails, share codes and the IP
 * hashes of audit rows go. Owners and the command line only
 * (`eraseSignatures`). Backups made before keep the data until they are
 * rotated out.
 */
export function anonymiseAllSignatures(options: { actor: Actor; db?: AppDatabase; now?: number }): { anonymised: number; deletedPending: number } {
  assertCan(options.actor, "eraseSignatures");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const deletedPending = purgeUnconfirmedSignatures({ actor: options.actor, days: 0, db, now: now + 1, checkpoint: false }).deleted;
  const result = db.transaction(
    (tx) => {
      tx.delete(signatureTokens).run();
      tx.delete(mailOutbox).run();
      const anonymised = tx
        .update(signatures)
        .set(erasedPersonalData(sql`'anonymised:' || ${signatures.id}`))
        .where(sql`${signatures.emailKey} not like 'anonymised:%'`)
        .run().changes;
      dropIpHashFromAudit(tx, "all");
      recordAudit(tx, { actor: toAuditActor(options.actor), action: "retention.anonymiseAll", rowCount: anonymised, now });
      return { anonymised, deletedPending };
    },
    { behavior: "immediate" },
  );
  checkpointAfterErasure(db);
  return result;
}

/**
 * Erases one person's signature on request, exactly as their withdrawal link
 * would (`eraseSignature`), found by any spelling of their address. The
 * command line and owners only (`eraseSignatures`); audited without the
 * address. An already withdrawn signature has nothing left to erase.
 */
export function erasePersonalData(options: { actor: Actor; email: string; db?: AppDatabase; now?: number }): { erased: boolean } {
  assertCan(options.actor, "eraseSignatures");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const erased = db.transaction(
    (tx) => {
      const row = tx.select(ERASABLE_SIGNATURE_COLUMNS).from(signatures).where(eq(signatures.emailKey, normalizeEmail(options.email))).get();
      if (!row || !canChange("withdraw", row.status)) return false;
      eraseSignature(tx, row, { actor: toAuditActor(options.actor), action: "privacy.erasePerson", now });
      return true;
    },
    { behavior: "immediate" },
  );
  if (erased) checkpointAfterErasure(db);
  return { erased };
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
    /** When the one reminder to confirm was sent (decision 0022), if it was. */
    remindedAt: string | null;
    consentVersion: string;
    networkHashStored: boolean;
  } | null;
  /** Emails still waiting to be sent to the person; sent ones keep nothing that ties them to anyone (decision 0019). */
  emailsWaiting: { kind: string; subject: string; createdAt: string; status: string }[];
};

/**
 * Everything stored about one address, for a subject access request. The
 * command line and those who may export personal data (`exportPersonalData`);
 * audited (without the address).
 */
export function exportPersonalData(options: { actor: Actor; email: string; db?: AppDatabase; now?: number }): PersonalDataExport {
  assertCan(options.actor, "exportPersonalData");
  const db = options.db ?? getDb();
  const key = normalizeEmail(options.email);
  const row = db.select().from(signatures).where(eq(signatures.emailKey, key)).get();
  const mails = row
    ? db
        .select({ ...OUTBOX_EMAIL_COLUMNS, createdAt: mailOutbox.createdAt, status: mailOutbox.status })
        .from(mailOutbox)
        .where(eq(mailOutbox.signatureId, row.id))
        .all()
    : [];
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
          remindedAt: row.remindedAt ? new Date(row.remindedAt).toISOString() : null,
          consentVersion: row.consentVersion,
          networkHashStored: row.ipHash !== null,
        }
      : null,
    emailsWaiting: mails.map((mail) => ({
      kind: mail.kind,
      subject: outboxEmailSubject(mail),
      createdAt: new Date(mail.createdAt).toISOString(),
      status: mail.status,
    })),
  };
}
