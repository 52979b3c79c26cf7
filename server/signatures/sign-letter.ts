import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { partnerCodes, signatures, signatureTokens } from "@/db/schema";
import { normalizeEmail } from "@/lib/email";
import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import type { SignLetterData } from "@/lib/schemas/sign-letter";
import { SIGNATURE_TRANSITIONS } from "@/lib/signature-lifecycle";
import type { SignSuspicion } from "@/server/abuse/check-sign-limits";
import { recordAudit } from "@/server/audit/record-audit";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { enqueueEmail } from "@/server/mail/enqueue-email";
import type { EmailKind } from "@/server/mail/render-email";
import { createRefCode, createToken } from "@/server/security/tokens";
import { countNewSignature } from "./lifecycle";
import { WITHDRAW_TOKEN_TTL_DAYS } from "./withdraw-signature";

export const CONFIRM_TOKEN_TTL_DAYS = 7;
/** The signer's private page lasts as long as a campaign reasonably runs. */
export const MANAGE_TOKEN_TTL_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

type TokenRow = { tokenHash: string; signatureId: number; purpose: "confirm" | "manage" | "withdraw"; expiresAt: number; createdAt: number };

/** Stores one link token. One row per INSERT: a multi-row INSERT runs with a statement journal (see recordSignature). */
function insertToken(tx: Transaction, row: TokenRow): void {
  preparedQuery(tx, "recordSignature.token", (db) =>
    db
      .insert(signatureTokens)
      .values({
        tokenHash: sql.placeholder("tokenHash"),
        signatureId: sql.placeholder("signatureId"),
        purpose: sql.placeholder("purpose"),
        expiresAt: sql.placeholder("expiresAt"),
        createdAt: sql.placeholder("createdAt"),
      })
      .prepare(),
  ).run(row);
}

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
  const config = getConfig();
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
  // when they first signed: a second submission cannot redirect it.
  const mailLocale = (inserted ? locale : (signature.locale as Locale)) ?? locale;
  // Every email carries its own link to withdraw in two clicks; stored only if the email is queued.
  const withdraw = createToken(now);
  const withdrawUrl = `${config.appUrl}/${mailLocale}/withdraw?token=${withdraw.token}`;
  const tokenRow = (tokenHash: string, purpose: TokenRow["purpose"], ttlDays: number): TokenRow => ({
    tokenHash,
    signatureId: signature.id,
    purpose,
    expiresAt: now + ttlDays * DAY_MS,
    createdAt: now,
  });
  // Queues the email to the address on file; false when it will not be sent (see enqueueEmail).
  const queueEmail = (kind: Extract<EmailKind, "confirm" | "alreadySigned">, links: { actionUrl: string; manageUrl?: string }) =>
    enqueueEmail(tx, {
      kind,
      to: signature.email,
      emailKey,
      signatureId: signature.id,
      locale: mailLocale,
      signerEmail: { name: signature.name, ...links, withdrawUrl, expiresInDays: CONFIRM_TOKEN_TTL_DAYS },
      now,
    });
  if (signature.status === "pending") {
    const { token, tokenHash } = createToken(now);
    const manage = createToken(now);
    const willSend = queueEmail("confirm", {
      actionUrl: `${config.appUrl}/${mailLocale}/confirm?token=${token}`,
      manageUrl: `${config.appUrl}/${mailLocale}/my?token=${manage.token}`,
    });
    if (willSend) {
      insertToken(tx, tokenRow(tokenHash, "confirm", CONFIRM_TOKEN_TTL_DAYS));
      insertToken(tx, tokenRow(manage.tokenHash, "manage", MANAGE_TOKEN_TTL_DAYS));
      insertToken(tx, tokenRow(withdraw.tokenHash, "withdraw", WITHDRAW_TOKEN_TTL_DAYS));
    }
    return willSend;
  }
  if (signature.status === "verified") {
    const willSend = queueEmail("alreadySigned", { actionUrl: `${config.appUrl}/${mailLocale}` });
    if (willSend) insertToken(tx, tokenRow(withdraw.tokenHash, "withdraw", WITHDRAW_TOKEN_TTL_DAYS));
    return willSend;
  }
  // Invalidated or withdrawn: nothing is sent, and the answer is the same.
  return false;
}
