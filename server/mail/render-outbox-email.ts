import "server-only";
import { z } from "zod";
import { mailOutbox, type MailOutboxRow } from "@/db/schema";
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
export function serializeSignerEmail(values: SignerEmailValues): string {
  return JSON.stringify(values);
}

/** A row whose template values do not make an email: sending it again cannot help (the sender gives it up at once). */
export class UnrenderableEmailError extends Error {
  constructor() {
    // No values in the message: they hold a name and links.
    super("an outbox row's template values do not make an email");
    this.name = "UnrenderableEmailError";
  }
}

/**
 * The email a row holds: its template rendered with its values, or the
 * subject and bodies stored with it. Throws UnrenderableEmailError for a
 * row that is neither.
 */
export function renderOutboxEmail(row: OutboxEmailRow): RenderedEmail {
  if (row.templateValues === null) return { subject: row.subject, text: row.textBody, html: row.htmlBody };
  const { kind, locale } = row;
  if (!isEmailKind(kind) || !isLocale(locale)) throw new UnrenderableEmailError();
  let values: SignerEmailValues;
  try {
    values = signerEmailValuesSchema.parse(JSON.parse(row.templateValues));
  } catch {
    throw new UnrenderableEmailError();
  }
  return renderSignatureEmail({ ...values, kind, locale, campaignTitle: getCampaign(locale).title });
}

/** For readers that show many rows (the subject access export, the development mailbox): a broken row is null, not a failed page. */
export function renderOutboxEmailOrNull(row: OutboxEmailRow): RenderedEmail | null {
  try {
    return renderOutboxEmail(row);
  } catch (error) {
    if (error instanceof UnrenderableEmailError) return null;
    throw error;
  }
}

function isEmailKind(kind: string): kind is EmailKind {
  return (EMAIL_KINDS as readonly string[]).includes(kind);
}
