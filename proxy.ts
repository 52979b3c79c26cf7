import createMiddleware from "next-intl/middleware";
import { NextResponse, type NextRequest } from "next/server";
import { findBodyLimit } from "./lib/body-limits";
import { MESSAGE_CATALOGS } from "./lib/i18n/catalog";
import { DEFAULT_LOCALE, isLocale } from "./lib/i18n/locales";
import { routing } from "./lib/i18n/routing";

const handleI18nRouting = createMiddleware(routing);

// Picks the locale for URLs that lack one (`/` → `/ru` from Accept-Language)
// and refuses oversized form posts (public pages and admin alike) by the
// body-limit table. Behind `npm start` the front has already held every body
// to that table (decision 0017); this check is what plain `next start` and
// `next dev` have, before Next buffers the body (its own server-action limit
// answers an oversized body with a 500). A post without a Content-Length
// cannot be counted here, so it is refused. Not a security boundary:
// nothing here authorizes.
export default function proxy(request: NextRequest) {
  if (request.method === "POST") {
    const length = Number(request.headers.get("content-length") ?? Number.NaN);
    if (!Number.isFinite(length) || length > findBodyLimit(request.method, request.nextUrl.pathname).maxBytes) {
      const first = request.nextUrl.pathname.split("/")[1];
      const locale = isLocale(first) ? first : DEFAULT_LOCALE;
      return new NextResponse(MESSAGE_CATALOGS[locale].Api.payloadTooLarge, {
        status: 413,
        headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
      });
    }
  }
  // The admin area has no locale in its URLs; only the size check applies there.
  if (request.nextUrl.pathname === "/admin" || request.nextUrl.pathname.startsWith("/admin/")) return NextResponse.next();
  // Partner widgets (`/embed/counter?locale=ru`) keep their URL: no locale
  // redirect here. next.config.js rewrites them to `/embed/ru/counter`, one
  // prerendered page per locale (a rewrite from here would be proxied over
  // HTTP when the server listens on another name than "localhost").
  if (request.nextUrl.pathname === "/embed" || request.nextUrl.pathname.startsWith("/embed/")) return NextResponse.next();
  return handleI18nRouting(request);
}

export const config = {
  // Everything except API routes, the dev mailbox, Next internals and files with an extension.
  matcher: ["/((?!api|dev|_next|_vercel|.*\\..*).*)"],
};
