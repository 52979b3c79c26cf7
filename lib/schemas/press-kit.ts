import * as z from "zod/mini";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "../i18n/locales";

// zod/mini and error codes, like the other admin schemas (decision 0002): the
// exports page may build its links with the same lists the route checks.

/** The files of the press kit: two charts as PNG and SVG, and the public numbers as JSON. */
export const PRESS_KIT_FILES = [
  "signatures-over-time.png",
  "signatures-over-time.svg",
  "countries.png",
  "countries.svg",
  "stats.json",
] as const;
export type PressKitFile = (typeof PRESS_KIT_FILES)[number];

export function isPressKitFile(value: unknown): value is PressKitFile {
  return typeof value === "string" && (PRESS_KIT_FILES as readonly string[]).includes(value);
}

/**
 * `?locale=en|ru|uk`, the language of the titles, labels, country names and
 * number formats. Absent or empty means English (a plain link needs no query).
 */
export const PressKitQuerySchema = z.object({
  locale: z.pipe(
    z.pipe(
      z.optional(z.string({ error: "localeInvalid" })),
      z.transform((value) => value?.trim() || undefined),
    ),
    z._default(z.enum(LOCALES, { error: "localeInvalid" }), DEFAULT_LOCALE),
  ),
});

export type PressKitRequest = { file: PressKitFile; locale: Locale };

export type PressKitRequestResult =
  | { success: true; data: PressKitRequest }
  | { success: false; error: "fileUnknown" }
  | { success: false; error: "localeInvalid" };

/**
 * Checks a press-kit download: the file named in the path and the query
 * string (other parameters are ignored; a repeated `locale` counts once, its
 * first value, like URLSearchParams.get). An unknown file is reported before
 * a bad locale: there is nothing to translate.
 */
export function parsePressKitRequest(input: { file: string; searchParams: URLSearchParams }): PressKitRequestResult {
  if (!isPressKitFile(input.file)) return { success: false, error: "fileUnknown" };
  const locale = input.searchParams.get("locale");
  const result = PressKitQuerySchema.safeParse(locale === null ? {} : { locale });
  if (!result.success) return { success: false, error: "localeInvalid" };
  return { success: true, data: { file: input.file, locale: result.data.locale } };
}
