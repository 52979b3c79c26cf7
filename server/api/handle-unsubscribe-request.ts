import "server-only";
import { isLocale } from "@/lib/i18n/locales";
import { submitUnsubscribe } from "@/server/mailings/unsubscribe";
import { BodyTooLargeError, getApiTranslator, pickLocale, type PlainResponse } from "./http";

/** `List-Unsubscribe=One-Click` is 26 bytes; a multipart form of it a few hundred. */
export { UNSUBSCRIBE_API_MAX_BODY_BYTES as UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES } from "@/lib/body-limits";

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

function text(status: number, body: string): PlainResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }, body };
}

/** Exactly one field, `List-Unsubscribe`, whose value is `One-Click` (RFC 8058 §3.1). */
function isOneClickFields(entries: [string, unknown][]): boolean {
  return entries.length === 1 && entries[0]![0] === "List-Unsubscribe" && entries[0]![1] === "One-Click";
}

async function isOneClickBody(contentType: string, body: string): Promise<boolean> {
  if (FORM_TYPE.test(contentType)) return isOneClickFields([...new URLSearchParams(body).entries()]);
  if (MULTIPART_TYPE.test(contentType)) {
    // Node's own (undici) multipart parser, on a body already capped at 1 KB.
    try {
      const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
      return isOneClickFields([...form.entries()]);
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * POST /api/v1/unsubscribe?locale=…&token=…: RFC 8058's one-click
 * unsubscribe, the URL in every update email's `List-Unsubscribe` header
 * (decision 0022). Mail providers post `List-Unsubscribe=One-Click`
 * (form-urlencoded or multipart) with no cookies; the token in the URL is
 * the authorization, so there is no session or CSRF check. Answers 200 at
 * once, the same neutral text whether the token is valid, unknown,
 * expired or malformed (no probing who is subscribed); 400 when the body is
 * not exactly the one-click field, 413 over 1 KB, 503 when the database
 * fails. Unsubscribing changes `wants_updates`, never a count.
 *
 * Both servers call this: the custom server's fast path in production and
 * Next's route handler under `next dev`.
 */
export async function handleUnsubscribeRequest(request: {
  search: URLSearchParams;
  contentType: string | null;
  acceptLanguage: string | null;
  readBody: () => Promise<string>;
  now?: number;
}): Promise<PlainResponse> {
  const localeParam = request.search.get("locale");
  const t = getApiTranslator(isLocale(localeParam) ? localeParam : pickLocale(undefined, request.acceptLanguage));
  let body: string;
  try {
    body = await request.readBody();
  } catch (error) {
    if (error instanceof BodyTooLargeError) return text(413, t("Api.payloadTooLarge"));
    throw error;
  }
  if (!(await isOneClickBody(request.contentType ?? "", body))) return text(400, t("Api.unsubscribeBodyRequired"));
  try {
    await submitUnsubscribe({ token: request.search.get("token") ?? "", now: request.now });
  } catch (error) {
    console.error("[api] unsubscribing failed:", error instanceof Error ? `${error.name}: ${error.message}` : "unknown error");
    return text(503, t("Api.internal"));
  }
  return text(200, t("Unsubscribe.oneClickDone"));
}
