import { hasLocale } from "next-intl";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";
import { buildUpdatesFeed } from "@/server/updates/build-updates-feed";

// GET /{locale}/updates/feed.xml: the Atom feed of published updates.
// Cached like the pages (ISR, refreshed at once when an update is published
// or edited); nothing is rendered at build, so its URLs carry the runtime
// APP_URL and the build needs no database. 5 s like the pages (../page.tsx says why).
export const revalidate = 5;

export function generateStaticParams(): { locale: string }[] {
  return [];
}

export async function GET(_request: Request, { params }: { params: Promise<{ locale: string }> }): Promise<Response> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(buildUpdatesFeed({ locale, appUrl: getConfig().appUrl }), {
    headers: { "content-type": "application/atom+xml; charset=utf-8" },
  });
}
