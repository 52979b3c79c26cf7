import * as z from "zod/mini";
import { LOCALES } from "../i18n/locales";

// The mailing page's forms (decision 0022). Every action posts the update
// it belongs to; the ones acting on a mailing post its id too.

const positiveId = z.pipe(
  z.string().check(z.regex(/^[1-9]\d{0,11}$/)),
  z.transform((value: string) => Number(value)),
);

/** The update the form is about. */
export const MailingUpdateFormSchema = z.object({ updateId: positiveId });

/** A test send: which language's email to send to the organizer. */
export const MailingTestFormSchema = z.object({ updateId: positiveId, locale: z.enum(LOCALES) });

/** Confirm, approve, pause, resume, cancel: one mailing of one update. */
export const MailingActionFormSchema = z.object({ updateId: positiveId, mailingId: positiveId });

/** The confirm step also needs its box ticked. */
export const MailingConfirmFormSchema = z.object({ updateId: positiveId, mailingId: positiveId, confirm: z.literal("on") });

/** Owners: whether a second organizer must approve every mailing. */
export const MailingApprovalSettingSchema = z.object({ updateId: positiveId, required: z.optional(z.literal("on")) });

/** Reads a form's string fields (and nothing else) into a plain object for these schemas. */
export function formFields(formData: FormData, names: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = formData.get(name);
    if (typeof value === "string") fields[name] = value.slice(0, 100);
  }
  return fields;
}
