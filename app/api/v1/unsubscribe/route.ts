import { readBodyText } from "@/server/api/http";
import { handleUnsubscribeRequest, UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES } from "@/server/api/handle-unsubscribe-request";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/locales";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/unsubscribe: RFC 8058's one-click unsubscribe (see
 * handleUnsubscribeRequest). In production the custom server answers the
 * POST itself, before Next; this route serves `next dev` and plain `next start`.
 */
export async function POST(request: Request): Promise<Response> {
  const answer = await handleUnsubscribeRequest({
    search: new URL(request.url).searchParams,
    contentType: request.headers.get("content-type"),
    acceptLanguage: request.headers.get("accept-language"),
    readBody: () => readBodyText(request, UNSUBSCRIBE_REQUEST_MAX_BODY_BYTES),
  });
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * A person (or a mail client) opening the header's link: sent on to the
 * unsubscribe page, whose button does the same. Opening a link never
 * unsubscribes (mail scanners open links).
 */
export function GET(request: Request): Response {
  const search = new URL(request.url).searchParams;
  const localeParam = search.get("locale");
  const locale = isLocale(localeParam) ? localeParam : DEFAULT_LOCALE;
  const token = search.get("token");
  const query = token && LINK_TOKEN_SHAPE.test(token) ? `?token=${token}` : "";
  // A relative Location: behind a proxy this process does not know its public origin.
  return new Response(null, { status: 303, headers: { location: `/${locale}/unsubscribe${query}`, "cache-control": "no-store" } });
}
