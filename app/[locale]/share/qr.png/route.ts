import { hasLocale } from "next-intl";
import { routing } from "@/lib/i18n/routing";
import { parseQrPngSize, renderCampaignQrPng } from "@/server/sharing/campaign-qr";

// Rendered from the runtime APP_URL (prerendering would bake in the build
// machine's URL); recent sizes are kept in memory, and browsers and CDNs
// keep the image for an hour.
export const dynamic = "force-dynamic";

/** GET /{locale}/share/qr.png?size=512: a QR code of the letter's link, 128–2048 px square. Public. */
export async function GET(request: Request, { params }: { params: Promise<{ locale: string }> }): Promise<Response> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return new Response("Not found", { status: 404 });
  const size = parseQrPngSize(new URL(request.url).searchParams.get("size"));
  const png = await renderCampaignQrPng(locale, { size });
  return new Response(new Uint8Array(png), {
    headers: {
      "content-type": "image/png",
      "content-disposition": `inline; filename="qr-${locale}-${size}.png"`,
      "cache-control": "public, max-age=3600",
    },
  });
}
