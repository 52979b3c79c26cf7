import "server-only";
import { eq, inArray, sql } from "drizzle-orm";
import type { AppDatabase, Transaction } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { signatures, signatureTokens, type TokenPurpose } from "@/db/schema";
import type { Locale } from "@/lib/i18n/locales";
import { getConfig } from "@/server/config";
import type { EmailKind, SignerEmailLinks } from "@/server/mail/render-email";
import { createToken } from "@/server/security/tokens";

// A signer's email carries links whose tokens are made when the outbox
// sender claims the email, not when it is queued (decision 0029): no link
// that works ever sits in the outbox or its backups, a confirm link's seven
// days run from when the email leaves rather than from a spike's backlog,
// and the sign path stores no token at all.

export const CONFIRM_TOKEN_TTL_DAYS = 7;
/** The signer's private page lasts as long as a campaign reasonably runs. */
export const MANAGE_TOKEN_TTL_DAYS = 365;
/** The withdrawal link lasts as long as a campaign reasonably runs; every email carries a fresh one. */
export const WITHDRAW_TOKEN_TTL_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Which links each kind of signer's email carries: its action (confirm, or the letter page) and whether the private page's. */
export const SIGNER_EMAIL_LINKS: Readonly<Record<EmailKind, { action: "confirm" | "letter"; manage: boolean }>> = {
  confirm: { action: "confirm", manage: true },
  alreadySigned: { action: "letter", manage: false },
  confirmReminder: { action: "confirm", manage: false },
};

/** Stores one link token. One row per INSERT: a multi-row INSERT runs with a statement journal (decision 0027). */
function storeToken(tx: Transaction | AppDatabase, row: { tokenHash: string; signatureId: number; purpose: TokenPurpose; expiresAt: number; createdAt: number }) {
  preparedQuery(tx, "issueSignerLinks.token", (db) =>
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

/** The links of one email, and the hashes of the tokens made for them (to revoke them if the email never leaves). */
export type IssuedSignerLinks = { links: SignerEmailLinks; tokenHashes: string[] };

/**
 * Makes and stores the tokens of one signer's email of `kind`, in the
 * caller's transaction (the sender's claim), and returns its links in
 * `locale`. Null when the signature no longer exists: such an email cannot
 * be sent. Each call makes new tokens: an email sent again after a failed
 * attempt carries new links, and the earlier ones, which may have arrived,
 * keep working until they expire. Internal: the outbox sender, the
 * development mailbox and tests.
 */
export function issueSignerLinks(
  tx: Transaction | AppDatabase,
  options: { kind: EmailKind; locale: Locale; signatureId: number; now: number },
): IssuedSignerLinks | null {
  const { kind, locale, signatureId, now } = options;
  const exists = tx.select({ id: signatures.id }).from(signatures).where(eq(signatures.id, signatureId)).get();
  if (!exists) return null;
  const base = `${getConfig().appUrl}/${locale}`;
  const tokenHashes: string[] = [];
  const issue = (purpose: TokenPurpose, ttlDays: number) => {
    const { token, tokenHash } = createToken(now);
    storeToken(tx, { tokenHash, signatureId, purpose, expiresAt: now + ttlDays * DAY_MS, createdAt: now });
    tokenHashes.push(tokenHash);
    return token;
  };
  const links = SIGNER_EMAIL_LINKS[kind];
  return {
    links: {
      actionUrl: links.action === "confirm" ? `${base}/confirm?token=${issue("confirm", CONFIRM_TOKEN_TTL_DAYS)}` : base,
      ...(links.manage ? { manageUrl: `${base}/my?token=${issue("manage", MANAGE_TOKEN_TTL_DAYS)}` } : {}),
      withdrawUrl: `${base}/withdraw?token=${issue("withdraw", WITHDRAW_TOKEN_TTL_DAYS)}`,
      expiresInDays: CONFIRM_TOKEN_TTL_DAYS,
    },
    tokenHashes,
  };
}

/** Deletes tokens made for emails that never left (claimed, then not sent): nobody holds their links. */
export function revokeUnsentLinks(db: AppDatabase, tokenHashes: readonly string[]): void {
  if (tokenHashes.length === 0) return;
  db.delete(signatureTokens).where(inArray(signatureTokens.tokenHash, [...tokenHashes])).run();
}
