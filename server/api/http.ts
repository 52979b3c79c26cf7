import "server-only";
import { createTranslator } from "use-intl/core";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "@/lib/i18n/locales";

/** The best of our locales for an Accept-Language header (or an explicit choice). */
export function pickLocale(explicit: unknown, acceptLanguage: string | null): Locale {
  if (isLocale(explicit)) return explicit;
  const wanted = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    const base = tag.split("-")[0];
    const match = LOCALES.find((locale) => locale === base);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

/** A response as plain data, written by either server (Next's route or the custom server's fast path). */
export type PlainResponse = { status: number; headers: Record<string, string>; body: string };

type ApiTranslator = ReturnType<typeof createTranslator<(typeof MESSAGE_CATALOGS)[Locale]>>;
// One per locale for the life of the process: a translator keeps its compiled messages.
const apiTranslators = new Map<Locale, ApiTranslator>();

export function getApiTranslator(locale: Locale): ApiTranslator {
  let t = apiTranslators.get(locale);
  if (!t) {
    t = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale] });
    apiTranslators.set(locale, t);
  }
  return t;
}

export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...init.headers },
  });
}

/**
 * A file for an organizer (an export): saved (`attachment`) or shown
 * (`inline`) under `filename`, never stored by a browser or a shared cache
 * (`cacheControl` may only add to "no-store"), its type never sniffed.
 */
export function fileResponse(
  body: BodyInit,
  file: { contentType: string; filename: string; disposition: "attachment" | "inline"; cacheControl?: "no-store" | "no-store, no-transform" | "private, no-store" },
): Response {
  return new Response(body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `${file.disposition}; filename="${file.filename}"`,
      "cache-control": file.cacheControl ?? "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

export class BodyTooLargeError extends Error {}

/**
 * Reads a request body as text, refusing more than `maxBytes` without
 * buffering the rest (a 10 MB body costs us `maxBytes`, not 10 MB).
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}
