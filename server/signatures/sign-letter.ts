import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { partnerCodes, signatures } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import type { SignLetterData } from "@/lib/schemas/sign-letter";
import { SIGNATURE_TRANSITIONS } from "@/lib/signature-lifecycle";
import type { SignSuspicion } from "@/server/abuse/check-sign-limits";
import { recordAudit } from "@/server/audit/record-audit";
import { getCampaign } from "@/server/content/get-campaign";
import { enqueueEmail } from "@/server/mail/enqueue-email";
import type { EmailKind } from "@/server/mail/render-email";
import { createRefCode } from "@/server/security/tokens";
import { countNewSignature } from "./lifecycle";

/**
 * The ref code a signature is attributed to: only a code that exists (a
 * signer's or a partner's). Anything else is ignored, so a ref code can
 * neither fail a signature nor be used to probe.
 */
function resolveReferrer(tx: Transaction, code: string | undefined): string | null {
  if (!code) return null;
  const signer = tx.select({ id: signatures.id }).from(signatures).where(eq(signatures.refCode, code)).get();
  if (signer) return code;
  const partner = tx.select({ id: partnerCodes.id }).from(partnerCodes).where(eq(partnerCodes.code, code)).get();
  return partner ? code : null;
}

/**
 * Records a signature and queues its confirmation email, inside the
 * caller's transaction: the sign paths reach it through `submitSignature`,
 * which runs it in a group-committed transaction after the bot checks and
 * rate limits. Anyone may cause it to run (it is the public sign action);
 * `data` must come from `parseSignLetter`. A repeated address writes no
 * second row: a pending one gets its confirmation again, a verified one an
 * "already signed" email, both within the daily cap, and the caller answers
 * the same every time. Returns whether an email was queued (the caller
 * nudges the outbox sender after COMMIT).
 */
export function recordSignature(
  tx: Transaction,
  options: { data: SignLetterData; ipHash?: string | null; suspicion?: SignSuspicion; now?: number },
): boolean {
  const now = options.now ?? Date.now();
  const { data } = options;
  const locale = data.locale ?? DEFAULT_LOCALE;
  const emailKey = normalizeEmail(data.email);
  const campaign = getCampaign(locale);

  const row = {
    email: data.email,
    emailKey,
    name: data.name,
    country: data.country,
    city: data.city ?? null,
    // Placeholders skip drizzle's column mapping: booleans go in as SQLite integers.
    isPublicName: data.isPublicName ? 1 : 0,
    wantsUpdates: data.wantsUpdates ? 1 : 0,
    locale,
    refCode: createRefCode(),
    consentVersion: campaign.consentVersion,
    ipHash: options.ipHash ?? null,
    referredBy: resolveReferrer(tx, data.ref),
    utmSource: data.utm_source ?? null,
    utmCampaign: data.utm_campaign ?? null,
    createdAt: now,
  };
  // No RETURNING: SQLite runs an INSERT … RETURNING with a statement journal
  // (a copy of every page it changes, kept for a rollback of the statement
  // alone), which profiles showed on every signature; `changes` and the last
  // rowid say the same.
  const insert = preparedQuery(tx, "recordSignature.insert", (db) =>
    db
      .insert(signatures)
      .values({
        email: sql.placeholder("email"),
        emailKey: sql.placeholder("emailKey"),
        name: sql.placeholder("name"),
        country: sql.placeholder("country"),
        city: sql.placeholder("city"),
        isPublicName: sql.placeholder("isPublicName"),
        wantsUpdates: sql.placeholder("wantsUpdates"),
        locale: sql.placeholder("locale"),
        status: SIGNATURE_TRANSITIONS.sign.to,
        refCode: sql.placeholder("refCode"),
        consentVersion: sql.placeholder("consentVersion"),
        ipHash: sql.placeholder("ipHash"),
        referredBy: sql.placeholder("referredBy"),
        utmSource: sql.placeholder("utmSource"),
        utmCampaign: sql.placeholder("utmCampaign"),
        createdAt: sql.placeholder("createdAt"),
      })
      .onConflictDoNothing({ target: signatures.emailKey })
      .prepare(),
  ).run(row);
  const inserted = insert.changes === 1 ? { id: Number(insert.lastInsertRowid) } : undefined;

  if (inserted) countNewSignature(tx, row);
  const signature = inserted
    ? { id: inserted.id, status: "pending" as const, name: data.name, email: data.email, locale }
    : tx
        .select({
          id: signatures.id,
          status: signatures.status,
          name: signatures.name,
          email: signatures.email,
          locale: signatures.locale,
        })
        .from(signatures)
        .where(eq(signatures.emailKey, emailKey))
        .get();
  if (!signature) return false;
  if (options.suspicion) {
    // For the dashboard's "Suspicious bursts" and the bulk tools (decision 0011): no email here.
    recordAudit(tx, {
      actor: { userId: null, email: null },
      action: "signature.suspicious",
      targetType: "signature",
      targetId: signature.id,
      details: { ipHash: options.suspicion.ipHash, domain: options.suspicion.domain, reason: options.suspicion.reasons.join(",") },
      now,
    });
  }

  // Mail goes to the address on file, in the language the person used
  // when they first signed: a second submission cannot redirect it. Its
  // links are made when it is sent (issueSignerLinks, decision 0029).
  const mailLocale = (inserted ? locale : (signature.locale as Locale)) ?? locale;
  // Queues the email to the address on file; false when it will not be sent (see enqueueEmail).
  const queueEmail = (kind: Extract<EmailKind, "confirm" | "alreadySigned">) =>
    enqueueEmail(tx, {
      kind,
      to: signature.email,
      emailKey,
      signatureId: signature.id,
      locale: mailLocale,
      signerEmail: { name: signature.name },
      now,
    });
  if (signature.status === "pending") return queueEmail("confirm");
  if (signature.status === "verified") return queueEmail("alreadySigned");
  // Invalidated or withdrawn: nothing is sent, and the answer is the same.
  return false;
}
