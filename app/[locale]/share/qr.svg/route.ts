import { hasLocale } from "next-intl";
import { routing } from "@/lib/i18n/routing";
import { renderCampaignQrSvg } from "@/server/sharing/campaign-qr";

// Rendered per request from the runtime APP_URL: prerendering it at build
// would bake in the build machine's URL. It costs ~1 ms; browsers and CDNs
// keep it for an hour.
export const dynamic = "force-dynamic";

/** GET /{locale}/share/qr.svg: a QR code of the letter's link in `locale`. Public. */
export async function GET(_request: Request, { params }: { params: Promise<{ locale: string }> }): Promise<Response> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return new Response("Not found", { status: 404 });
  return new Response(await renderCampaignQrSvg(locale), {
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      "content-disposition": `inline; filename="qr-${locale}.svg"`,
      "cache-control": "public, max-age=3600",
    },
  });
}
