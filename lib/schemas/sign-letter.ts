import * as z from "zod/mini";
import { isCountryCode } from "../countries";
import { EMAIL_MAX_LENGTH, isEmailShape } from "../email";
import { LOCALES } from "../i18n/locales";
import { looksLikeLink } from "../link-like-text";
import { cleanText, textLength } from "../text";

// zod/mini keeps the browser bundle small: the same schema runs in the form
// for instant feedback and on the server as the real check (decision 0002).

export const NAME_MAX_LENGTH = 100;
export const CITY_MAX_LENGTH = 85;

// Module-level: the server's bundler writes a \p{…} literal as `new RegExp(…)`, which inside a
// function made (and compiled) a new one on every signature.
const LETTER = /\p{L}/u;

/** Error codes; each maps to `SignForm.errors.<code>` in messages/. */
export const SIGN_ERROR_CODES = [
  "nameRequired",
  "nameTooLong",
  "nameInvalid",
  "nameHasLink",
  "emailRequired",
  "emailInvalid",
  "countryRequired",
  "cityTooLong",
  "privacyRequired",
  "invalid",
] as const;
export type SignErrorCode = (typeof SIGN_ERROR_CODES)[number];

const cleanedText = z.pipe(
  z.string({ error: "invalid" }),
  z.transform((value) => cleanText(value)),
);

/** Checkbox value from a form ("on") or a JSON boolean; absent means no. */
const checkbox = z.pipe(
  z.optional(z.union([z.boolean(), z.literal("on"), z.literal("true"), z.literal("false"), z.literal("")], { error: "invalid" })),
  z.transform((value) => value === true || value === "on" || value === "true"),
);

/** Share codes: a signer's (10 chars) or a partner's (chosen by organizers). */
export const REF_CODE_SHAPE = /^[a-z0-9-]{3,40}$/;

/** An optional ref code: anything malformed is dropped, never an error (the signature still counts). */
const optionalRefCode = z.pipe(
  z.optional(z.unknown()),
  z.transform((value) => {
    if (typeof value !== "string") return undefined;
    const code = value.trim().toLowerCase();
    return REF_CODE_SHAPE.test(code) ? code : undefined;
  }),
);

/** An optional utm_* value: cleaned and cut to 100 characters, never an error. */
const optionalUtm = z.pipe(
  z.optional(z.unknown()),
  z.transform((value) => (typeof value === "string" ? cleanText(value).slice(0, 100).toLowerCase() || undefined : undefined)),
);

/** The honeypot field's name: people never see it, form-filling bots do (decision 0011). */
export const HONEYPOT_FIELD = "website";
/** How long the form was open before it was sent, in ms, measured in the browser (decision 0011). */
export const FILL_TIME_FIELD = "fillMs";
/** The proof of work: altcha's base64 JSON payload, solved in the browser (decision 0011). */
export const PROOF_OF_WORK_FIELD = "altcha";

/** The honeypot: true when anything but whitespace was typed into it, else absent; never an error. */
const honeypot = z.pipe(
  z.optional(z.unknown()),
  z.transform((value) => (typeof value === "string" && value.trim() !== "" ? true : undefined)),
);

/** The fill time: a non-negative whole number of ms, else absent (no JavaScript, or an API client); never an error. */
const optionalFillTime = z.pipe(
  z.optional(z.unknown()),
  z.transform((value) => {
    const number = typeof value === "number" ? value : typeof value === "string" && /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : NaN;
    return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
  }),
);

/** The proof-of-work payload: a non-empty string of at most 2 000 characters, else absent; checked by the server, never a schema error. */
const optionalProofOfWork = z.pipe(
  z.optional(z.unknown()),
  z.transform((value) => (typeof value === "string" && value.trim() !== "" && value.length <= 2_000 ? value.trim() : undefined)),
);

export const SignLetterSchema = z.object({
  name: z.pipe(
    cleanedText,
    z.string().check(
      z.minLength(1, { error: "nameRequired" }),
      z.refine((value) => textLength(value) <= NAME_MAX_LENGTH, { error: "nameTooLong", abort: true }),
      z.refine((value) => LETTER.test(value), { error: "nameInvalid" }),
      // The name is written into an email sent to any address typed (decision 0017).
      z.refine((value) => !looksLikeLink(value), { error: "nameHasLink" }),
    ),
  ),
  email: z.pipe(
    z.pipe(z.string({ error: "emailRequired" }), z.transform((value) => value.normalize("NFC").trim())),
    z.string().check(
      z.minLength(1, { error: "emailRequired", abort: true }),
      z.maxLength(EMAIL_MAX_LENGTH, { error: "emailInvalid", abort: true }),
      z.refine(isEmailShape, { error: "emailInvalid" }),
    ),
  ),
  country: z.string({ error: "countryRequired" }).check(z.refine(isCountryCode, { error: "countryRequired" })),
  city: z
    .pipe(
      z.optional(z.nullable(cleanedText)),
      z.transform((value) => value || undefined),
    )
    .check(z.refine((value) => value === undefined || textLength(value) <= CITY_MAX_LENGTH, { error: "cityTooLong" })),
  isPublicName: checkbox,
  wantsUpdates: checkbox,
  acceptPrivacy: z.pipe(
    checkbox,
    z.literal(true, { error: "privacyRequired" }),
  ),
  locale: z.optional(z.enum(LOCALES, { error: "invalid" })),
  ref: optionalRefCode,
  utm_source: optionalUtm,
  utm_campaign: optionalUtm,
  [HONEYPOT_FIELD]: honeypot,
  [FILL_TIME_FIELD]: optionalFillTime,
  [PROOF_OF_WORK_FIELD]: optionalProofOfWork,
});

export type SignLetterInput = z.input<typeof SignLetterSchema>;
export type SignLetterData = z.output<typeof SignLetterSchema>;
export type SignLetterField = keyof SignLetterData;
export type SignLetterErrors = Partial<Record<SignLetterField, SignErrorCode>>;

const FIELDS = new Set<string>(["name", "email", "country", "city", "isPublicName", "wantsUpdates", "acceptPrivacy", "locale"]);
// ref, utm_*, website, fillMs and altcha never produce errors, so they are not in FIELDS.

/** One error code per field (the first), for the form and the API. */
export function collectSignErrors(error: z.core.$ZodError): SignLetterErrors {
  const errors: SignLetterErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "");
    if (!FIELDS.has(field)) continue;
    const key = field as SignLetterField;
    if (errors[key]) continue;
    const code = (SIGN_ERROR_CODES as readonly string[]).includes(issue.message) ? (issue.message as SignErrorCode) : "invalid";
    errors[key] = code;
  }
  return errors;
}

export type SignLetterResult = { success: true; data: SignLetterData } | { success: false; errors: SignLetterErrors };

/**
 * Checks raw input (form fields or a JSON body) and says what is wrong per
 * field. `schema` is this schema or the server's compiled copy of it
 * (server/signatures/compiled-sign-schema.ts).
 */
export function parseSignLetter(input: unknown, schema: typeof SignLetterSchema = SignLetterSchema): SignLetterResult {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { success: false, errors: { name: "invalid" } };
  }
  const result = z.safeParse(schema, input);
  if (result.success) return { success: true, data: result.data };
  return { success: false, errors: collectSignErrors(result.error) };
}
