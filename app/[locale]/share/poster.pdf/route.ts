import { hasLocale } from "next-intl";
import { routing } from "@/lib/i18n/routing";
import { getCampaignPoster } from "@/server/sharing/poster-pdf";

// Rendered from the runtime APP_URL (prerendering would bake in the build
// machine's URL), once per locale and process; browsers and CDNs keep it
// for an hour.
export const dynamic = "force-dynamic";

/** GET /{locale}/share/poster.pdf: the printable A4 campaign poster in `locale`. Public. */
export async function GET(_request: Request, { params }: { params: Promise<{ locale: string }> }): Promise<Response> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return new Response("Not found", { status: 404 });
  const pdf = await getCampaignPoster(locale);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="poster-${locale}.pdf"`,
      "cache-control": "public, max-age=3600",
    },
  });
}
