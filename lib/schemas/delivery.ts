import * as z from "zod/mini";
import { isCountryCode } from "../countries";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "../i18n/locales";

// zod/mini and error codes, like the export filter (decision 0002): the admin
// exports page can check the choice in the browser with the schema the route
// handler uses, and the route answers codes the UI translates.

/** Error codes; the admin UI maps each to a sentence. */
export const DELIVERY_QUERY_ERROR_CODES = ["countryInvalid", "localeInvalid", "sinceInvalid", "invalid"] as const;
export type DeliveryQueryErrorCode = (typeof DELIVERY_QUERY_ERROR_CODES)[number];

/** A query-string value: absent and empty mean "not chosen" (an untouched select submits `?country=`). */
const queryParam = z.pipe(
  z.optional(z.string({ error: "invalid" })),
  z.transform((value) => value?.trim() || undefined),
);

/**
 * The delivery document's query: `country` (ISO 3166-1 alpha-2, any case;
 * absent means every country) and `locale`, the language of the document's
 * own headings (the letter is whatever the campaign publishes for that
 * locale, labelled). Other parameters are ignored.
 */
export const DeliveryQuerySchema = z.object({
  country: z.pipe(
    z.pipe(queryParam, z.transform((value) => value?.toUpperCase())),
    z.optional(z.string().check(z.refine(isCountryCode, { error: "countryInvalid" }))),
  ),
  locale: z.pipe(
    z.pipe(queryParam, z.transform((value) => value?.toLowerCase())),
    z._default(z.enum(LOCALES, { error: "localeInvalid" }), DEFAULT_LOCALE),
  ),
});

export type DeliveryQuery = { country?: string; locale: Locale };

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `since` as epoch milliseconds: a day is its UTC midnight; an instant must
 * name its zone, so the answer never depends on the server's.
 */
export function parseSince(value: string): number | undefined {
  if (DAY_PATTERN.test(value)) {
    const time = Date.parse(`${value}T00:00:00Z`);
    return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value ? time : undefined;
  }
  if (!INSTANT_PATTERN.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : undefined;
}

/**
 * The manifest's query: `since`, a UTC day (YYYY-MM-DD) or an instant (ISO
 * 8601 with a zone); absent means every recorded export.
 */
export const ManifestQuerySchema = z.object({
  since: z.pipe(
    queryParam,
    z.optional(
      z.pipe(
        z.string().check(z.refine((value) => parseSince(value) !== undefined, { error: "sinceInvalid" })),
        z.transform((value) => parseSince(value)!),
      ),
    ),
  ),
});

export type ManifestQuery = { since?: number };

export type QueryResult<T, F extends string> = { success: true; data: T } | { success: false; errors: Partial<Record<F, DeliveryQueryErrorCode>> };

function parseQuery<T, F extends string>(
  schema: z.ZodMiniType<T>,
  fields: readonly F[],
  params: URLSearchParams | Record<string, unknown>,
): QueryResult<T, F> {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = params instanceof URLSearchParams ? params.get(field) : params[field];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== null && first !== undefined) input[field] = first;
  }
  const result = schema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  const errors: Partial<Record<F, DeliveryQueryErrorCode>> = {};
  for (const issue of result.error.issues) {
    const field = fields.find((name) => name === issue.path[0]);
    if (!field || errors[field]) continue;
    errors[field] = (DELIVERY_QUERY_ERROR_CODES as readonly string[]).includes(issue.message)
      ? (issue.message as DeliveryQueryErrorCode)
      : "invalid";
  }
  return { success: false, errors };
}

/**
 * Checks the delivery document's query string (URLSearchParams or a plain
 * record) and says what is wrong per field. A repeated parameter counts
 * once (its first value), like URLSearchParams.get.
 */
export function parseDeliveryQuery(params: URLSearchParams | Record<string, unknown>): QueryResult<DeliveryQuery, keyof DeliveryQuery> {
  return parseQuery<DeliveryQuery, keyof DeliveryQuery>(DeliveryQuerySchema, ["country", "locale"], params);
}

/** Checks the manifest's query string, like parseDeliveryQuery. */
export function parseManifestQuery(params: URLSearchParams | Record<string, unknown>): QueryResult<ManifestQuery, keyof ManifestQuery> {
  return parseQuery<ManifestQuery, keyof ManifestQuery>(ManifestQuerySchema, ["since"], params);
}
