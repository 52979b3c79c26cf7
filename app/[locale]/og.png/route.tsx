import { hasLocale } from "next-intl";
import { getTranslations } from "next-intl/server";
import { ImageResponse } from "next/og";
import { routing } from "@/lib/i18n/routing";
import { readShippedFontFaces, SHIPPED_FONT_FAMILY } from "@/server/assets/shipped-fonts";
import { getCampaign } from "@/server/content/get-campaign";
import { getStats } from "@/server/stats/get-stats";

// GET /{locale}/og.png: the link-preview image (1200×630) with the letter's
// title and its live count (decision 0009).
//
// A route handler, not the `opengraph-image.tsx` file convention: the
// convention writes the og:image tag itself, at the URL it chooses, into
// metadata that is resolved when the page is prerendered, and its path has
// no extension, so it would also pass through the locale proxy. Here the
// URL ends in .png (the proxy skips it; some crawlers want an extension),
// generateMetadata in app/[locale]/layout.tsx writes every Open Graph tag
// from one place, and the cache is ours to set.
//
// Statically generated per locale and regenerated in the background at most
// once a minute (ISR): crawlers and chat apps get a cached PNG, never one
// rendered per request, and the count in it is at most ~60 s old.
export const revalidate = 60;
export const dynamicParams = false;

export function generateStaticParams(): { locale: string }[] {
  return routing.locales.map((locale) => ({ locale }));
}

const WIDTH = 1200;
const HEIGHT = 630;

const ACCENT = "#7a1f1f";
const INK = "#1b1b1f";
const MUTED = "#4a4a55";
const PAPER = "#fbfaf7";
const TRACK = "#e7e1d6";

/**
 * Characters no shipped font draws would make next/og go to the network
 * (an emoji in a title would fail the render): they are dropped. Campaign
 * text comes from content files an organizer edits.
 */
function dropPictographs(text: string): string {
  return text.replace(/[\p{Extended_Pictographic}\u{FE0E}\u{FE0F}\u{200D}]/gu, "").replace(/\s+/g, " ").trim();
}

function titleSize(title: string): number {
  if (title.length <= 45) return 68;
  if (title.length <= 70) return 60;
  if (title.length <= 100) return 52;
  return 44;
}

/** The count shares its row with the call to action: long numbers set smaller. */
function countSize(countText: string): number {
  if (countText.length <= 15) return 60;
  if (countText.length <= 20) return 52;
  return 44;
}

export async function GET(_request: Request, { params }: { params: Promise<{ locale: string }> }): Promise<Response> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return new Response("Not found", { status: 404 });

  const campaign = getCampaign(locale);
  const { total, goal } = getStats();
  const tCount = await getTranslations({ locale, namespace: "Count" });
  const tShare = await getTranslations({ locale, namespace: "Share" });
  const tSite = await getTranslations({ locale, namespace: "Site" });

  const percent = goal > 0 ? Math.min(100, Math.floor((total / goal) * 100)) : 0;
  // The bar shows a sliver from the first signature on, even below 1 %.
  const barPercent = goal > 0 && total > 0 ? Math.max(1.5, Math.min(100, (total / goal) * 100)) : 0;
  const title = dropPictographs(campaign.title);
  const countText = tCount("signatures", { count: total });

  return new ImageResponse(
    (
      <div
        style={{
          width: "100%",
          height: "100%",
          display: "flex",
          flexDirection: "column",
          backgroundColor: PAPER,
          borderTop: `14px solid ${ACCENT}`,
          padding: "48px 72px 56px",
          fontFamily: SHIPPED_FONT_FAMILY,
          color: INK,
        }}
      >
        <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between" }}>
          <div style={{ display: "flex", alignItems: "center" }}>
            <svg width="48" height="48" viewBox="0 0 32 32">
              <rect width="32" height="32" rx="6" fill={ACCENT} />
              <path d="M7 21c3-1 5-6 7-6s1 5 3 5 3-4 5-4 2 2 3 2" fill="none" stroke="#ffffff" strokeWidth="2.5" strokeLinecap="round" />
            </svg>
            <span style={{ marginLeft: 18, fontSize: 32, fontWeight: 700, color: ACCENT }}>{dropPictographs(tSite("name"))}</span>
          </div>
          <span style={{ fontSize: 22, fontWeight: 700, letterSpacing: 3, color: MUTED, textTransform: "uppercase" }}>
            {dropPictographs(campaign.shortTitle)}
          </span>
        </div>

        <div style={{ display: "flex", flexGrow: 1, alignItems: "center" }}>
          <div style={{ display: "block", fontSize: titleSize(title), fontWeight: 700, lineHeight: 1.12, lineClamp: 3 }}>{title}</div>
        </div>

        <div style={{ display: "flex", alignItems: "flex-end", justifyContent: "space-between" }}>
          <span style={{ fontSize: countSize(countText), fontWeight: 700, color: ACCENT, lineHeight: 1 }}>{countText}</span>
          <span
            style={{
              display: "flex",
              padding: "14px 30px",
              borderRadius: 999,
              backgroundColor: ACCENT,
              color: "#ffffff",
              fontSize: 28,
              fontWeight: 700,
            }}
          >
            {tShare("signCta")}
          </span>
        </div>
        <div style={{ display: "flex", marginTop: 24, height: 18, borderRadius: 9, backgroundColor: TRACK }}>
          <div style={{ display: "flex", width: `${barPercent}%`, height: 18, borderRadius: 9, backgroundColor: ACCENT }} />
        </div>
        <span style={{ marginTop: 16, fontSize: 26, color: MUTED }}>{tShare("goalProgress", { percent, goal })}</span>
      </div>
    ),
    {
      width: WIDTH,
      height: HEIGHT,
      // Only the shipped fonts: for a glyph they lack next/og would fetch one from Google.
      fonts: readShippedFontFaces(),
      // next/og's default (max-age=0, must-revalidate) would send every
      // preview fetch through a CDN to this server; the image changes at most
      // once a minute.
      headers: { "cache-control": "public, max-age=60, s-maxage=60, stale-while-revalidate=300" },
    },
  );
}
