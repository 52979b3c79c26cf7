import * as z from "zod/mini";
import { isCountryCode } from "../countries";
import { EMAIL_MAX_LENGTH } from "../email";
import { INVALIDATABLE_STATUSES, SIGNATURE_STATUSES, type InvalidatableStatus } from "../signature-lifecycle";
import { cleanText, textLength } from "../text";

// The organizers' moderation forms and the server share these schemas
// (decision 0002): zod/mini, error codes rather than sentences. The server
// parses again whatever it is given, so a rule such as "a bulk invalidation
// needs a narrowing filter" holds for every caller, not just the form.

export const SEARCH_QUERY_MAX_LENGTH = 200;
export const SEARCH_NAME_MAX_LENGTH = 100;
export const NAME_PATTERN_MAX_LENGTH = 100;
export const IP_HASH_MAX_LENGTH = 64;
export const REASON_MIN_LENGTH = 3;
export const REASON_MAX_LENGTH = 500;
export const SEARCH_LIMIT_DEFAULT = 50;
export const SEARCH_LIMIT_MAX = 200;

/** Error codes; each should map to a message in messages/ for the moderation pages and API. */
export const MODERATION_ERROR_CODES = [
  "invalid",
  "queryTooLong",
  "emailInvalid",
  "nameTooLong",
  "countryInvalid",
  "statusInvalid",
  "dateInvalid",
  "rangeInvalid",
  "cursorInvalid",
  "limitInvalid",
  "emailDomainInvalid",
  "ipHashInvalid",
  "namePatternInvalid",
  "namePatternTooLong",
  "statusesInvalid",
  "filterRequired",
  "reasonRequired",
  "reasonTooLong",
] as const;
export type ModerationErrorCode = (typeof MODERATION_ERROR_CODES)[number];

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(?:Z|[+-]\d{2}:\d{2})$/i;
const DATE_ONLY = z.iso.date();
// Minutes are enough (what a datetime-local input sends); no zone means UTC.
const DATE_TIME_SHAPE = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/i;
const CURSOR_SHAPE = /^(\d{1,15})-(\d{1,15})$/;
const IP_HASH_SHAPE = /^[A-Za-z0-9_-]+$/;
// A host name: letters/digits/hyphens per label, at least two labels, a letter TLD.
const DOMAIN_SHAPE = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

function isDateTime(value: string): boolean {
  const match = DATE_TIME_SHAPE.exec(value);
  return match !== null && DATE_ONLY.safeParse(match[1]).success && Number.isFinite(instantOf(value));
}

/** `YYYY-MM-DD`, or an ISO date-time (a time without zone is read as UTC), as milliseconds. */
function instantOf(value: string): number {
  if (DATE_SHAPE.test(value)) return Date.parse(`${value}T00:00:00Z`);
  const upper = value.toUpperCase();
  return Date.parse(HAS_ZONE.test(upper) ? upper : `${upper}Z`);
}

/** First millisecond a `from` bound includes (UTC). */
export function rangeStartMs(value: string): number {
  return instantOf(value);
}

/**
 * First millisecond after a `to` bound: a date includes its whole UTC day,
 * a date-time includes that instant.
 */
export function rangeEndExclusiveMs(value: string): number {
  return DATE_SHAPE.test(value) ? instantOf(value) + DAY_MS : instantOf(value) + 1;
}

function isRangeOrdered(value: { from?: string | undefined; to?: string | undefined }): boolean {
  if (value.from === undefined || value.to === undefined) return true;
  return rangeStartMs(value.from) < rangeEndExclusiveMs(value.to);
}

/** A text field a form may leave blank: blank or null means "not given"; `code` is the error for a non-string. */
function optionalText<T extends z.ZodMiniType<unknown, string>>(code: ModerationErrorCode, schema: T) {
  return z.optional(
    z.pipe(
      z.pipe(
        z.nullable(z.string({ error: code })),
        z.transform((value) => (value === null || cleanText(value) === "" ? undefined : value)),
      ),
      z.optional(schema),
    ),
  );
}

/** Free text cleaned like the sign form's (NFC, no invisible characters, whitespace collapsed), then bounded. */
function cleanedText(code: ModerationErrorCode, maxLength: number) {
  return z.pipe(
    z.string(),
    z.pipe(
      z.transform((value: string) => cleanText(value)),
      z.string().check(z.refine((value) => textLength(value) <= maxLength, { error: code })),
    ),
  );
}

const trimmed = z.pipe(z.string(), z.transform((value: string) => value.trim()));

const countryField = optionalText(
  "countryInvalid",
  z.pipe(
    z.pipe(z.string(), z.transform((value: string) => value.trim().toUpperCase())),
    z.string().check(z.refine(isCountryCode, { error: "countryInvalid" })),
  ),
);

const dateField = optionalText(
  "dateInvalid",
  z.pipe(trimmed, z.string().check(z.refine((value) => DATE_ONLY.safeParse(value).success, { error: "dateInvalid" }))),
);

/** A date stays a date (a whole UTC day); a date-time is rewritten in UTC with its zone, so the audit log reads unambiguously. */
const dateOrDateTimeField = optionalText(
  "dateInvalid",
  z.pipe(
    z.pipe(
      trimmed,
      z.string().check(z.refine((value) => DATE_ONLY.safeParse(value).success || isDateTime(value), { error: "dateInvalid" })),
    ),
    z.transform((value: string) => (DATE_SHAPE.test(value) ? value : new Date(instantOf(value)).toISOString())),
  ),
);

// Search and bulk filters

export const SignatureSearchSchema = z
  .object({
    /** Free text, matched against the address and the name. */
    q: optionalText("invalid", cleanedText("queryTooLong", SEARCH_QUERY_MAX_LENGTH)),
    /** All or part of an address. */
    email: optionalText(
      "emailInvalid",
      z.pipe(
        z.pipe(z.string(), z.transform((value: string) => value.normalize("NFC").trim().toLowerCase())),
        z.string().check(z.maxLength(EMAIL_MAX_LENGTH, { error: "emailInvalid" })),
      ),
    ),
    name: optionalText("invalid", cleanedText("nameTooLong", SEARCH_NAME_MAX_LENGTH)),
    country: countryField,
    status: optionalText("statusInvalid", z.pipe(trimmed, z.enum(SIGNATURE_STATUSES, { error: "statusInvalid" }))),
    /** UTC days, both included, on the day the signature was made. */
    from: dateField,
    to: dateField,
    /** Keyset cursor `<createdAt>-<id>` from the previous page. */
    cursor: optionalText("cursorInvalid", z.pipe(trimmed, z.string().check(z.regex(CURSOR_SHAPE, { error: "cursorInvalid" })))),
    limit: z._default(
      z.pipe(
        z.union([z.number(), z.pipe(z.string(), z.transform((value: string) => (/^\s*\d{1,4}\s*$/.test(value) ? Number(value) : Number.NaN)))], {
          error: "limitInvalid",
        }),
        z.number({ error: "limitInvalid" }).check(
          z.refine((value) => Number.isInteger(value) && value >= 1 && value <= SEARCH_LIMIT_MAX, { error: "limitInvalid" }),
        ),
      ),
      SEARCH_LIMIT_DEFAULT,
    ),
  })
  .check(z.refine(isRangeOrdered, { error: "rangeInvalid", path: ["to"] }));

export type SignatureSearchInput = z.input<typeof SignatureSearchSchema>;
export type SignatureSearchData = z.output<typeof SignatureSearchSchema>;

/** Reads a search cursor the schema accepted. */
export function parseSearchCursor(cursor: string | undefined): { createdAt: number; id: number } | undefined {
  const match = cursor ? CURSOR_SHAPE.exec(cursor) : null;
  return match ? { createdAt: Number(match[1]), id: Number(match[2]) } : undefined;
}

/** The filters that narrow a bulk invalidation; `statuses` alone does not. */
export const NARROWING_FILTERS = ["emailDomain", "ipHash", "country", "from", "to", "namePattern"] as const;

export const BulkInvalidationFilterSchema = z
  .object({
    /** Addresses at exactly this domain (`mail.example`, not its subdomains). */
    emailDomain: optionalText(
      "emailDomainInvalid",
      z.pipe(
        z.pipe(z.string(), z.transform((value: string) => value.normalize("NFC").trim().replace(/^@/, "").toLowerCase())),
        z.string().check(z.maxLength(253, { error: "emailDomainInvalid", abort: true }), z.regex(DOMAIN_SHAPE, { error: "emailDomainInvalid" })),
      ),
    ),
    ipHash: optionalText(
      "ipHashInvalid",
      z.pipe(
        trimmed,
        z.string().check(z.maxLength(IP_HASH_MAX_LENGTH, { error: "ipHashInvalid", abort: true }), z.regex(IP_HASH_SHAPE, { error: "ipHashInvalid" })),
      ),
    ),
    country: countryField,
    /** Bounds on when the signature was made: a date is a whole UTC day, a date-time an instant; both ends included. */
    from: dateOrDateTimeField,
    to: dateOrDateTimeField,
    /** Case-insensitive substring of the name; `*` stands for any run of characters. */
    namePattern: optionalText(
      "namePatternInvalid",
      z.pipe(
        cleanedText("namePatternTooLong", NAME_PATTERN_MAX_LENGTH),
        // "*" alone would match every name and slip past filterRequired.
        z.string().check(z.refine((value) => value.replaceAll("*", "").trim() !== "", { error: "namePatternInvalid" })),
      ),
    ),
    statuses: z._default(
      z.pipe(
        z.pipe(
          z.union([z.enum(INVALIDATABLE_STATUSES), z.array(z.enum(INVALIDATABLE_STATUSES))], { error: "statusesInvalid" }),
          z.transform((value: InvalidatableStatus | InvalidatableStatus[]) => [...new Set(Array.isArray(value) ? value : [value])].sort()),
        ),
        z.array(z.enum(INVALIDATABLE_STATUSES)).check(z.minLength(1, { error: "statusesInvalid" })),
      ),
      () => [...INVALIDATABLE_STATUSES],
    ),
  })
  .check(
    // Nobody should invalidate every signature by accident.
    z.refine((value) => NARROWING_FILTERS.some((key) => value[key] !== undefined), { error: "filterRequired" }),
    z.refine(isRangeOrdered, { error: "rangeInvalid", path: ["to"] }),
  );

export type BulkInvalidationFilterInput = z.input<typeof BulkInvalidationFilterSchema>;
export type BulkInvalidationFilterData = z.output<typeof BulkInvalidationFilterSchema>;

/** The bulk filter as a form or a query string carries it: each narrowing field once, `statuses` repeated. */
export type BulkFilterFields = Partial<Record<(typeof NARROWING_FILTERS)[number], string>> & { statuses?: string[] };

/**
 * Reads the bulk filter's fields from a form or a query string (`values(name)`
 * gives every value sent under a name): the preview page and the action
 * read it with this, and carry it on with `bulkFilterQuery`. Blanks are left
 * out; the schema then checks what is left. Each value is cut at 300
 * characters, more than any field allows, so the schema still refuses what
 * is too long.
 */
export function readBulkFilterFields(values: (name: string) => readonly unknown[]): BulkFilterFields {
  const fields: BulkFilterFields = {};
  for (const name of NARROWING_FILTERS) {
    const [first] = values(name);
    if (typeof first === "string" && first !== "") fields[name] = first.slice(0, 300);
  }
  const statuses = values("statuses").filter((value): value is string => typeof value === "string" && value !== "");
  if (statuses.length > 0) fields.statuses = statuses.map((status) => status.slice(0, 300));
  return fields;
}

/** The bulk filter's fields as a query string (or, one pair each, a form's hidden fields). */
export function bulkFilterQuery(fields: BulkFilterFields): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of NARROWING_FILTERS) if (fields[name] !== undefined) query.set(name, fields[name]);
  for (const status of fields.statuses ?? []) query.append("statuses", status);
  return query;
}

export const InvalidateSchema = z.object({
  reason: z.pipe(
    z.pipe(z.optional(z.nullable(z.string({ error: "reasonRequired" }))), z.transform((value) => cleanText(value ?? ""))),
    z.string().check(
      z.refine((value) => textLength(value) >= REASON_MIN_LENGTH, { error: "reasonRequired", abort: true }),
      z.refine((value) => textLength(value) <= REASON_MAX_LENGTH, { error: "reasonTooLong" }),
    ),
  ),
});

export type InvalidateInput = z.input<typeof InvalidateSchema>;
export type InvalidateData = z.output<typeof InvalidateSchema>;

// LIKE patterns

/** Makes `%`, `_` and `\` literal in a LIKE pattern used with `ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Case folding applied to both sides of a name match (SQLite's own LIKE folds ASCII only). */
export function foldText(value: string): string {
  return value.normalize("NFC").toLowerCase();
}

/** LIKE pattern (with `ESCAPE '\'`) for "contains `value`", everything literal. */
export function toContainsLike(value: string): string {
  return `%${escapeLike(value)}%`;
}

/** LIKE pattern (with `ESCAPE '\'`) for a bulk name pattern: folded substring, `*` is the only wildcard. */
export function namePatternToLike(pattern: string): string {
  return `%${foldText(pattern).split("*").map(escapeLike).join("%")}%`.replace(/%{2,}/g, "%");
}

// Parsing

export type ModerationErrors = Record<string, ModerationErrorCode>;
export type ModerationParseResult<T> = { success: true; data: T } | { success: false; errors: ModerationErrors };

/** Field → first error code; errors about the whole filter are under `form`. */
export function collectModerationErrors(error: z.core.$ZodError): ModerationErrors {
  const errors: ModerationErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "form";
    if (errors[field]) continue;
    errors[field] = (MODERATION_ERROR_CODES as readonly string[]).includes(issue.message) ? (issue.message as ModerationErrorCode) : "invalid";
  }
  return errors;
}

/** Checks raw input (form fields, query parameters or JSON) against one of the moderation schemas. */
export function parseModerationInput<S extends z.core.$ZodType>(schema: S, input: unknown): ModerationParseResult<z.output<S>> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { success: false, errors: { form: "invalid" } };
  const result = z.safeParse(schema, input);
  if (result.success) return { success: true, data: result.data };
  return { success: false, errors: collectModerationErrors(result.error) };
}
