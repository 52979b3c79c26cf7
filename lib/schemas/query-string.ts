import * as z from "zod/mini";
import { isCountryCode } from "../countries";

// What the admin export routes' query strings have in common (the
// signatures CSV's filter, the delivery document, the manifest): how a
// parameter is read, a country code, a calendar day, and answers of one
// error code per field that the UI translates (decision 0002).

/**
 * A query-string value: absent and empty mean "not chosen" (an HTML form
 * submits an untouched select or date input as `?country=`).
 */
export const queryParam = z.pipe(
  z.optional(z.string({ error: "invalid" })),
  z.transform((value) => value?.trim() || undefined),
);

/** An ISO 3166-1 alpha-2 code in any case, upper-cased; absent means every country. */
export const countryParam = z.pipe(
  z.pipe(queryParam, z.transform((value) => value?.toUpperCase())),
  z.optional(z.string().check(z.refine(isCountryCode, { error: "countryInvalid" }))),
);

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isDayString(value: unknown): value is string {
  if (typeof value !== "string" || !DAY_PATTERN.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export type QueryResult<T, Field extends string, Code extends string> =
  | { success: true; data: T }
  | { success: false; errors: Partial<Record<Field, Code>> };

/**
 * Checks a query string (URLSearchParams or a plain record) against
 * `schema`, reading only `fields`, and says what is wrong per field: the
 * message of the field's first issue when it is one of `codes`, otherwise
 * "invalid". A repeated parameter counts once (its first value), like
 * URLSearchParams.get.
 */
export function parseQuery<T, Field extends string, Code extends string>(
  schema: z.ZodMiniType<T>,
  fields: readonly Field[],
  codes: readonly (Code | "invalid")[],
  params: URLSearchParams | Record<string, unknown>,
): QueryResult<T, Field, Code | "invalid"> {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = params instanceof URLSearchParams ? params.get(field) : params[field];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== null && first !== undefined) input[field] = first;
  }
  const result = schema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  const errors: Partial<Record<Field, Code | "invalid">> = {};
  for (const issue of result.error.issues) {
    const field = fields.find((name) => name === issue.path[0]);
    if (!field || errors[field]) continue;
    errors[field] = (codes as readonly string[]).includes(issue.message) ? (issue.message as Code) : "invalid";
  }
  return { success: false, errors };
}
