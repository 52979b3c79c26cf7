import * as z from "zod/mini";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "../i18n/locales";
import { countryParam, isDayString, parseQuery, queryParam, type QueryResult } from "./query-string";

// zod/mini and error codes, like the export filter (decision 0002): the admin
// exports page can check the choice in the browser with the schema the route
// handler uses, and the route answers codes the UI translates.

/** Error codes; the admin UI maps each to a sentence. */
export const DELIVERY_QUERY_ERROR_CODES = ["countryInvalid", "localeInvalid", "sinceInvalid", "invalid"] as const;
export type DeliveryQueryErrorCode = (typeof DELIVERY_QUERY_ERROR_CODES)[number];

/**
 * The delivery document's query: `country` (ISO 3166-1 alpha-2, any case;
 * absent means every country) and `locale`, the language of the document's
 * own headings (the letter is whatever the campaign publishes for that
 * locale, labelled). Other parameters are ignored.
 */
export const DeliveryQuerySchema = z.object({
  country: countryParam,
  locale: z.pipe(
    z.pipe(queryParam, z.transform((value) => value?.toLowerCase())),
    z._default(z.enum(LOCALES, { error: "localeInvalid" }), DEFAULT_LOCALE),
  ),
});

export type DeliveryQuery = { country?: string; locale: Locale };

const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `since` as epoch milliseconds: a day is its UTC midnight; an instant must
 * name its zone, so the answer never depends on the server's.
 */
export function parseSince(value: string): number | undefined {
  if (isDayString(value)) return Date.parse(`${value}T00:00:00Z`);
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

/**
 * Checks the delivery document's query string (URLSearchParams or a plain
 * record) and says what is wrong per field. A repeated parameter counts
 * once (its first value), like URLSearchParams.get.
 */
export function parseDeliveryQuery(params: URLSearchParams | Record<string, unknown>): QueryResult<DeliveryQuery, keyof DeliveryQuery, DeliveryQueryErrorCode> {
  return parseQuery(DeliveryQuerySchema, ["country", "locale"], DELIVERY_QUERY_ERROR_CODES, params);
}

/** Checks the manifest's query string, like parseDeliveryQuery. */
export function parseManifestQuery(params: URLSearchParams | Record<string, unknown>): QueryResult<ManifestQuery, keyof ManifestQuery, DeliveryQueryErrorCode> {
  return parseQuery(ManifestQuerySchema, ["since"], DELIVERY_QUERY_ERROR_CODES, params);
}
