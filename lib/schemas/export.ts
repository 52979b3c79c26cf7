import * as z from "zod/mini";
import { countryParam, isDayString, parseQuery, queryParam, type QueryResult } from "./query-string";
import { SIGNATURE_STATUSES } from "../signature-lifecycle";

// zod/mini and error codes, like the sign schema (decision 0002): the admin
// export form can check its filters in the browser with the same schema the
// route handler uses, and the route answers codes the UI translates.

/** Error codes; the admin UI maps each to a sentence. */
export const EXPORT_FILTER_ERROR_CODES = ["statusInvalid", "countryInvalid", "dateInvalid", "rangeInvalid", "invalid"] as const;
export type ExportFilterErrorCode = (typeof EXPORT_FILTER_ERROR_CODES)[number];

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
    country: countryParam,
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

const FIELDS: readonly SignatureExportFilterField[] = ["status", "country", "from", "to"];

export type SignatureExportFilterResult = QueryResult<SignatureExportFilter, SignatureExportFilterField, ExportFilterErrorCode>;

/**
 * Checks an export's query string (URLSearchParams or a plain record) and
 * says what is wrong per field. A repeated parameter counts once (its first
 * value), like URLSearchParams.get.
 */
export function parseSignatureExportFilter(params: URLSearchParams | Record<string, unknown>): SignatureExportFilterResult {
  return parseQuery(SignatureExportFilterSchema, FIELDS, EXPORT_FILTER_ERROR_CODES, params);
}
