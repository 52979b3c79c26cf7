import "server-only";
import { z } from "zod";
import type { MailOutboxRow } from "@/db/schema";
import { isLocale } from "@/lib/i18n/locales";
import { getCampaign } from "@/server/content/get-campaign";
import { EMAIL_KINDS, renderSignatureEmail, type EmailKind, type RenderedEmail, type SignerEmailValues } from "./render-email";

// A signer's email waits in the outbox as the values of its template and is
// rendered when it is sent (decision 0026): a few hundred bytes per signature
// on the sign path instead of ~3.5 KB of subject and bodies, and the campaign's
// title as it is when the email leaves.

const signerEmailValuesSchema = z.object({
  name: z.string(),
  actionUrl: z.string(),
  manageUrl: z.string().optional(),
  withdrawUrl: z.string(),
  expiresInDays: z.number().int().positive(),
}) satisfies z.ZodType<SignerEmailValues>;

export type OutboxEmailRow = Pick<MailOutboxRow, "kind" | "locale" | "subject" | "textBody" | "htmlBody" | "templateValues">;

/** The JSON stored in `mail_outbox.template_values` for a signer's email. */
export function serializeSignerEmail(values: SignerEmailValues): string {
  return JSON.stringify(values);
}

/**
 * The email a row holds: its template rendered with its values, or the
 * subject and bodies stored with it. Throws for a row that is neither (a
 * broken row fails its send and is retried, then given up, like any other).
 */
export function renderOutboxEmail(row: OutboxEmailRow): RenderedEmail {
  if (row.templateValues === null) return { subject: row.subject, text: row.textBody, html: row.htmlBody };
  const { kind, locale } = row;
  if (!(EMAIL_KINDS as readonly string[]).includes(kind) || !isLocale(locale)) {
    throw new Error(`outbox row with template values has an unknown kind or locale: ${kind}/${locale}`);
  }
  const values = signerEmailValuesSchema.parse(JSON.parse(row.templateValues));
  return renderSignatureEmail({ ...values, kind: kind as EmailKind, locale, campaignTitle: getCampaign(locale).title });
}
