import * as z from "zod/mini";
import { LOCALES, type Locale } from "../i18n/locales";
import { cleanText, textLength } from "../text";

// The update editor (admin) and the server share this schema (decision
// 0002): zod/mini, error codes rather than sentences. Decision 0021.

/** Same lists as in db/schema.ts (lib/ may not import db/; a test keeps them equal). */
export const UPDATE_KINDS = ["news", "delivery", "authorChange", "hearing"] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];
export const AUTHOR_CHANGES = ["released", "moved", "newSentence"] as const;
export type AuthorChange = (typeof AUTHOR_CHANGES)[number];

/**
 * Largest Markdown body of one language, in UTF-8 bytes (100 KB). Counted
 * in bytes, not characters, because bytes are what travel and are stored:
 * 100 KB is ~100,000 Latin or ~50,000 Cyrillic characters.
 */
export const UPDATE_BODY_MAX_BYTES = 100 * 1024;
export const UPDATE_TITLE_MAX_LENGTH = 200;
export const UPDATE_INSTITUTION_MAX_LENGTH = 200;
/**
 * Largest post of the whole editor form: every language at its limit, with
 * room for titles, the other fields and multipart overhead. The size cap in
 * front of server actions (proxy.ts) lets `/admin/updates` posts this large;
 * every other form keeps the general cap.
 */
export const UPDATE_FORM_MAX_BYTES = LOCALES.length * UPDATE_BODY_MAX_BYTES + 32 * 1024;

export const UPDATE_ERROR_CODES = [
  "invalid",
  "kindInvalid",
  "textRequired",
  "titleRequired",
  "titleTooLong",
  "bodyRequired",
  "bodyTooLarge",
  "institutionRequired",
  "institutionTooLong",
  "dateRequired",
  "dateInvalid",
  "authorRequired",
  "authorChangeRequired",
] as const;
export type UpdateErrorCode = (typeof UPDATE_ERROR_CODES)[number];

/** Field names as the form posts them: `title.en`, `body.ru`, … */
export type UpdateTextField = `title.${Locale}` | `body.${Locale}`;
export type UpdateField = "form" | "kind" | "institution" | "eventOn" | "authorId" | "authorChange" | UpdateTextField;
export type UpdateErrors = Partial<Record<UpdateField, UpdateErrorCode>>;

export type UpdateText = { title: string; body: string };
export type UpdateFormData = {
  kind: UpdateKind;
  /** delivery (required), hearing (optional): the institution or court. */
  institution: string | null;
  /** delivery, hearing, authorChange: the day (YYYY-MM-DD). */
  eventOn: string | null;
  /** authorChange: a signatory id from content/campaign.json, and what changed. */
  authorId: string | null;
  authorChange: AuthorChange | null;
  /** The languages written, each with a title and a body. */
  texts: Partial<Record<Locale, UpdateText>>;
};

const DATE_ONLY = z.iso.date();
const AUTHOR_ID_SHAPE = /^[a-z0-9][a-z0-9-]{0,63}$/;
// Like cleanText's set, but tabs and line breaks are Markdown and stay.
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** UTF-8 size of a text, as stored and sent. */
export function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}

/** A Markdown body as it is stored: NFC, `\n` line ends, no invisible or control characters, no blank ends. */
export function cleanMarkdownBody(value: string): string {
  return value.normalize("NFC").replace(/\r\n?/g, "\n").replace(CONTROL_EXCEPT_LINES, "").replace(/^\s*\n/, "").trimEnd();
}

const optionalString = z.optional(z.nullable(z.string()));
const RawTextSchema = z.optional(z.nullable(z.object({ title: optionalString, body: optionalString })));

/** What the form posts, after `updateFormInput` has gathered it from FormData. */
const RawUpdateSchema = z.object({
  kind: optionalString,
  institution: optionalString,
  eventOn: optionalString,
  authorId: optionalString,
  authorChange: optionalString,
  texts: z.optional(z.nullable(z.object(Object.fromEntries(LOCALES.map((locale) => [locale, RawTextSchema])) as Record<Locale, typeof RawTextSchema>))),
});

/** The input cleaned as it will be stored; each kind keeps only its own details (the others are dropped, not stored). */
function normalize(raw: z.output<typeof RawUpdateSchema>) {
  const kind = (UPDATE_KINDS as readonly string[]).includes(raw.kind ?? "") ? (raw.kind as UpdateKind) : undefined;
  const usesInstitution = kind === "delivery" || kind === "hearing";
  const usesDate = kind === "delivery" || kind === "hearing" || kind === "authorChange";
  const texts: UpdateFormData["texts"] = {};
  for (const locale of LOCALES) {
    const title = cleanText(raw.texts?.[locale]?.title ?? "");
    const body = cleanMarkdownBody(raw.texts?.[locale]?.body ?? "");
    // A language left blank is not written; half of one is an error below.
    if (title || body) texts[locale] = { title, body };
  }
  return {
    kind,
    institution: usesInstitution ? cleanText(raw.institution ?? "") || null : null,
    eventOn: usesDate ? (raw.eventOn ?? "").trim() || null : null,
    authorId: kind === "authorChange" ? (raw.authorId ?? "").trim() || null : null,
    authorChange:
      kind === "authorChange" && (AUTHOR_CHANGES as readonly string[]).includes(raw.authorChange ?? "") ? (raw.authorChange as AuthorChange) : null,
    texts,
  };
}

/** The editor's one schema: shape, cleaning, then the rules, each failure an error code at its field. */
export const UpdateFormSchema = z.pipe(RawUpdateSchema, z.transform(normalize)).check(
  z.superRefine((value, context) => {
    const fail = (field: UpdateField, code: UpdateErrorCode) => context.issues.push({ code: "custom", message: code, path: [field], input: value });
    if (!value.kind) fail("kind", "kindInvalid");
    const locales = Object.keys(value.texts) as Locale[];
    if (locales.length === 0) fail("form", "textRequired");
    for (const locale of locales) {
      const { title, body } = value.texts[locale]!;
      if (!title) fail(`title.${locale}`, "titleRequired");
      else if (textLength(title) > UPDATE_TITLE_MAX_LENGTH) fail(`title.${locale}`, "titleTooLong");
      if (!body) fail(`body.${locale}`, "bodyRequired");
      else if (byteLength(body) > UPDATE_BODY_MAX_BYTES) fail(`body.${locale}`, "bodyTooLarge");
    }
    if (value.kind === "delivery" && !value.institution) fail("institution", "institutionRequired");
    if (value.institution && textLength(value.institution) > UPDATE_INSTITUTION_MAX_LENGTH) fail("institution", "institutionTooLong");
    const usesDate = value.kind === "delivery" || value.kind === "hearing" || value.kind === "authorChange";
    if (usesDate && !value.eventOn) fail("eventOn", "dateRequired");
    else if (value.eventOn && !DATE_ONLY.safeParse(value.eventOn).success) fail("eventOn", "dateInvalid");
    if (value.kind === "authorChange" && (!value.authorId || !AUTHOR_ID_SHAPE.test(value.authorId))) fail("authorId", "authorRequired");
    if (value.kind === "authorChange" && !value.authorChange) fail("authorChange", "authorChangeRequired");
  }),
);

export type UpdateParseResult = { success: true; data: UpdateFormData } | { success: false; errors: UpdateErrors };

/**
 * Checks an update as the editor sends it. The browser runs it before
 * posting (instant feedback, and a body over the limit is named before it
 * is sent); the server runs it again on whatever arrives.
 */
export function parseUpdateForm(input: unknown): UpdateParseResult {
  const result = z.safeParse(UpdateFormSchema, input);
  if (result.success) return { success: true, data: { ...result.data, kind: result.data.kind ?? "news" } };
  const errors: UpdateErrors = {};
  for (const issue of result.error.issues) {
    const field = (issue.path.length === 1 ? String(issue.path[0]) : "form") as UpdateField;
    const code = (UPDATE_ERROR_CODES as readonly string[]).includes(issue.message) ? (issue.message as UpdateErrorCode) : "invalid";
    errors[field] ??= code;
  }
  return { success: false, errors };
}

/** The form's fields (FormData or a plain record) in the shape `parseUpdateForm` reads. */
export function updateFormInput(get: (name: string) => unknown): Record<string, unknown> {
  const text = (name: string) => {
    const value = get(name);
    return typeof value === "string" ? value : null;
  };
  return {
    kind: text("kind"),
    institution: text("institution"),
    eventOn: text("eventOn"),
    authorId: text("authorId"),
    authorChange: text("authorChange"),
    texts: Object.fromEntries(LOCALES.map((locale) => [locale, { title: text(`title.${locale}`), body: text(`body.${locale}`) }])),
  };
}
