import * as z from "zod/mini";
import { isEmailShape } from "../email";
import { LOCALES } from "../i18n/locales";
import { USER_ROLES } from "../organizer-roles";

export const OrganizerEmailSchema = z.pipe(
  z.string(),
  z.transform((value) => value.normalize("NFC").trim().toLowerCase()),
).check(z.refine(isEmailShape, { error: "emailInvalid" }));

export const OrganizerPasswordSchema = z
  .string()
  .check(z.minLength(12, { error: "passwordTooShort" }), z.maxLength(200, { error: "passwordTooLong" }));

export const CreateOrganizerSchema = z.object({
  email: OrganizerEmailSchema,
  name: z.optional(z.string().check(z.maxLength(100))),
  password: OrganizerPasswordSchema,
  role: z.enum(USER_ROLES, { error: "roleInvalid" }),
});
export type CreateOrganizerInput = z.output<typeof CreateOrganizerSchema>;

export const LoginSchema = z.object({
  email: OrganizerEmailSchema,
  password: z.string().check(z.minLength(1), z.maxLength(200)),
});

/** The account page's daily digest form (decision 0025): the box, and the language it comes in. */
export const DigestPreferenceFormSchema = z.object({
  enabled: z.optional(z.literal("on")),
  locale: z.enum(LOCALES),
});
