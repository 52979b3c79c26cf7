import * as z from "zod/mini";
import { isCountryCode } from "../countries";
import { SIGNATURE_STATUSES } from "../signature-lifecycle";

// zod/mini and error codes, like the sign schema (decision 0002): the admin
// export form can check its filters in the browser with the same schema the
// route handler uses, and the route answers codes the UI translates.

/** Error codes; the admin UI maps each to a sentence. */
export const EXPORT_FILTER_ERROR_CODES = ["statusInvalid", "countryInvalid", "dateInvalid", "rangeInvalid", "invalid"] as const;
export type ExportFilterErrorCode = (typeof EXPORT_FILTER_ERROR_CODES)[number];

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isDayString(value: unknown): value is string {
  if (typeof value !== "string" || !DAY_PATTERN.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/**
 * A query-string value: absent and empty mean "no filter" (an HTML form
 * submits an untouched select or date input as `?country=`).
 */
const queryParam = z.pipe(
  z.optional(z.string({ error: "invalid" })),
  z.transform((value) => value?.trim() || undefined),
);

const day = z.pipe(queryParam, z.optional(z.string().check(z.refine(isDayString, { error: "dateInvalid" }))));

/**
 * Filters for the signatures CSV, read from the URL's query string; other
 * parameters are ignored.
 *
 * `from` / `to` are whole UTC days, both inclusive. They apply to
 * `verified_at` when exporting verified signatures (when a signature started
 * to count: the same day the per-day counters and the dashboard chart use,
 * so an export of "1–7 March" matches the chart's total for that week) and to
 * `created_at` for every other status (a pending signature has no
 * verification time; for invalidated and withdrawn ones, when the person
 * signed is what a review of a wave of signatures looks at).
 */
export const SignatureExportFilterSchema = z
  .object({
    status: z.pipe(queryParam, z._default(z.enum(SIGNATURE_STATUSES, { error: "statusInvalid" }), "verified")),
    country: z.pipe(
      z.pipe(queryParam, z.transform((value) => value?.toUpperCase())),
      z.optional(z.string().check(z.refine(isCountryCode, { error: "countryInvalid" }))),
    ),
    from: day,
    to: day,
  })
  .check(
    z.refine((filter) => !isDayString(filter.from) || !isDayString(filter.to) || filter.from <= filter.to, {
      error: "rangeInvalid",
      path: ["to"],
    }),
  );

export type SignatureExportFilter = z.output<typeof SignatureExportFilterSchema>;
export type SignatureExportFilterField = keyof SignatureExportFilter;
export type SignatureExportFilterErrors = Partial<Record<SignatureExportFilterField, ExportFilterErrorCode>>;

const FIELDS: readonly SignatureExportFilterField[] = ["status", "country", "from", "to"];

export type SignatureExportFilterResult =
  | { success: true; data: SignatureExportFilter }
  | { success: false; errors: SignatureExportFilterErrors };

/**
 * Checks an export's query string (URLSearchParams or a plain record) and
 * says what is wrong per field. A repeated parameter counts once (its first
 * value), like URLSearchParams.get.
 */
export function parseSignatureExportFilter(params: URLSearchParams | Record<string, unknown>): SignatureExportFilterResult {
  const input: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = params instanceof URLSearchParams ? params.get(field) : params[field];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== null && first !== undefined) input[field] = first;
  }
  const result = SignatureExportFilterSchema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  const errors: SignatureExportFilterErrors = {};
  for (const issue of result.error.issues) {
    const field = FIELDS.find((name) => name === issue.path[0]);
    if (!field || errors[field]) continue;
    errors[field] = (EXPORT_FILTER_ERROR_CODES as readonly string[]).includes(issue.message)
      ? (issue.message as ExportFilterErrorCode)
      : "invalid";
  }
  return { success: false, errors };
}
