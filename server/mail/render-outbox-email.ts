import "server-only";
import { z } from "zod";
import type { AppDatabase, Transaction } from "@/db/client";
import { mailOutbox, type MailOutboxRow } from "@/db/schema";
import { isLocale, type Locale } from "@/lib/i18n/locales";
import { getCampaign } from "@/server/content/get-campaign";
import { issueSignerLinks, type IssuedSignerLinks } from "@/server/signatures/issue-signer-links";
import {
  EMAIL_KINDS,
  renderSignatureEmail,
  signerEmailSubject,
  type EmailKind,
  type QueuedSignerEmail,
  type RenderedEmail,
  type SignerEmailLinks,
  type SignerEmailValues,
} from "./render-email";

// A signer's email waits in the outbox as the values of its template and is
// rendered when it is sent (decision 0026): a few hundred bytes per signature
// on the sign path instead of ~3.5 KB of subject and bodies, and the campaign's
// title as it is when the email leaves. Its links are not among the values:
// the sender makes them as it claims the email (decision 0029).

const queuedSignerEmailSchema = z.object({ name: z.string() }) satisfies z.ZodType<QueuedSignerEmail>;

/** Rows queued before decision 0029 hold their links. */
const linkedSignerEmailSchema = z.object({
  name: z.string(),
  actionUrl: z.string(),
  manageUrl: z.string().optional(),
  withdrawUrl: z.string(),
  expiresInDays: z.number().int().positive(),
}) satisfies z.ZodType<SignerEmailValues>;

export type OutboxEmailRow = Pick<MailOutboxRow, "kind" | "locale" | "subject" | "textBody" | "htmlBody" | "templateValues">;

/** The columns `renderOutboxEmail` reads, for a select that renders its rows. */
export const OUTBOX_EMAIL_COLUMNS = {
  kind: mailOutbox.kind,
  locale: mailOutbox.locale,
  subject: mailOutbox.subject,
  textBody: mailOutbox.textBody,
  htmlBody: mailOutbox.htmlBody,
  templateValues: mailOutbox.templateValues,
};

/** The JSON stored in `mail_outbox.template_values` for a signer's email. */
export function serializeSignerEmail(values: QueuedSignerEmail): string {
  return JSON.stringify({ name: values.name });
}

/** A row whose template values do not make an email: sending it again cannot help (the sender gives it up at once). */
export class UnrenderableEmailError extends Error {
  constructor() {
    // No values in the message: they hold a name and links.
    super("an outbox row's template values do not make an email");
    this.name = "UnrenderableEmailError";
  }
}

type SignerRow = { kind: EmailKind; locale: Locale; values: Record<string, unknown> };

function readSignerRow(row: OutboxEmailRow): SignerRow {
  const { kind, locale } = row;
  if (!isEmailKind(kind) || !isLocale(locale)) throw new UnrenderableEmailError();
  try {
    const values: unknown = JSON.parse(row.templateValues ?? "");
    if (typeof values !== "object" || values === null || Array.isArray(values)) throw new UnrenderableEmailError();
    return { kind, locale, values: values as Record<string, unknown> };
  } catch {
    throw new UnrenderableEmailError();
  }
}

/**
 * A signer's email still waiting for its links, as the sender must give
 * them (`issueSignerLinks`): its kind and language. Null for a row that
 * needs none (stored rendered, or queued with its links before decision
 * 0029); throws UnrenderableEmailError for a row that is neither.
 */
function linksNeededBy(row: OutboxEmailRow): { kind: EmailKind; locale: Locale } | null {
  if (row.templateValues === null) return null;
  const { kind, locale, values } = readSignerRow(row);
  if ("actionUrl" in values) return null;
  // Checked before any token is made for it.
  if (!queuedSignerEmailSchema.safeParse(values).success) throw new UnrenderableEmailError();
  return { kind, locale };
}

/**
 * Makes the links of a row `linksNeededBy` names (`issueSignerLinks`) in
 * the caller's transaction: the sender's claim, the development mailbox and
 * tests. Null for a row that needs none; throws UnrenderableEmailError for
 * one that cannot get them (its signature is gone).
 */
export function issueOutboxLinks(tx: Transaction | AppDatabase, row: OutboxEmailRow & Pick<MailOutboxRow, "signatureId">, now: number): IssuedSignerLinks | null {
  const needed = linksNeededBy(row);
  if (!needed) return null;
  const issued = row.signatureId === null ? null : issueSignerLinks(tx, { ...needed, signatureId: row.signatureId, now });
  if (!issued) throw new UnrenderableEmailError();
  return issued;
}

/**
 * The email a row holds: its template rendered with its name and `links`
 * (made by the sender for a row `linksNeededBy` names), or the subject and
 * bodies stored with it. Throws UnrenderableEmailError for a row that is
 * neither, or that needs links and was given none.
 */
export function renderOutboxEmail(row: OutboxEmailRow, links?: SignerEmailLinks | null): RenderedEmail {
  if (row.templateValues === null) return { subject: row.subject, text: row.textBody, html: row.htmlBody };
  const { kind, locale, values } = readSignerRow(row);
  let parsed: SignerEmailValues;
  if ("actionUrl" in values) {
    const linked = linkedSignerEmailSchema.safeParse(values);
    if (!linked.success) throw new UnrenderableEmailError();
    parsed = linked.data;
  } else {
    const queued = queuedSignerEmailSchema.safeParse(values);
    if (!queued.success || !links) throw new UnrenderableEmailError();
    parsed = { ...links, name: queued.data.name };
  }
  return renderSignatureEmail({ ...parsed, kind, locale, campaignTitle: getCampaign(locale).title });
}

/** A row's subject as it is or will be sent; "" for a row that cannot be rendered (the subject access export). */
export function outboxEmailSubject(row: OutboxEmailRow): string {
  if (row.templateValues === null) return row.subject;
  try {
    const { kind, locale } = readSignerRow(row);
    return signerEmailSubject(kind, locale);
  } catch (error) {
    if (error instanceof UnrenderableEmailError) return "";
    throw error;
  }
}

function isEmailKind(kind: string): kind is EmailKind {
  return (EMAIL_KINDS as readonly string[]).includes(kind);
}
