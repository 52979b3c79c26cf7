import createMiddleware from "next-intl/middleware";
import { NextResponse, type NextRequest } from "next/server";
import { MESSAGE_CATALOGS } from "./lib/i18n/catalog";
import { DEFAULT_LOCALE, isLocale } from "./lib/i18n/locales";
import { routing } from "./lib/i18n/routing";

/**
 * Largest form post a page accepts (the sign form is ~2 KB). Checked here,
 * before Next buffers the body: its own server-action limit answers an
 * oversized body with a 500.
 */
const MAX_FORM_POST_BYTES = 64 * 1024;

const handleI18nRouting = createMiddleware(routing);

// Picks the locale for URLs that lack one (`/` → `/ru` from Accept-Language)
// and refuses oversized form posts. Not a security boundary: nothing here
// authorizes.
export default function proxy(request: NextRequest) {
  if (request.method === "POST") {
    const length = Number(request.headers.get("content-length") ?? Number.NaN);
    if (!Number.isFinite(length) || length > MAX_FORM_POST_BYTES) {
      const first = request.nextUrl.pathname.split("/")[1];
      const locale = isLocale(first) ? first : DEFAULT_LOCALE;
      return new NextResponse(MESSAGE_CATALOGS[locale].Api.payloadTooLarge, {
        status: 413,
        headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
      });
    }
  }
  return handleI18nRouting(request);
}

export const config = {
  // Everything except API routes, the admin area, the dev mailbox, Next internals and files with an extension.
  matcher: ["/((?!api|admin|dev|_next|_vercel|.*\\..*).*)"],
};
