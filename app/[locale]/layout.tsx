import type { Metadata, Viewport } from "next";
import { hasLocale } from "next-intl";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import type { Locale } from "@/lib/i18n/locales";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { getCampaignUrl } from "@/server/sharing/campaign-qr";
import "../globals.css";

// Nothing is rendered at build: each locale's pages render on their first
// request and are then cached (ISR), so links and Open Graph URLs carry
// APP_URL as the server was started with, never the build machine's
// (decision 0003), and the build does not touch a database.
export function generateStaticParams(): { locale: string }[] {
  return [];
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#7a1f1f" };

/** Open Graph locale names (language_TERRITORY) for the site's locales. */
const OPEN_GRAPH_LOCALES: Record<Locale, string> = { en: "en_GB", ru: "ru_RU", uk: "uk_UA" };

export async function generateMetadata({ params }: { params: LocaleParams }): Promise<Metadata> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const campaign = getCampaign(locale);
  const tShare = await getTranslations({ locale, namespace: "Share" });
  const tSite = await getTranslations({ locale, namespace: "Site" });
  // Link previews (decision 0009). Absolute URLs from the runtime APP_URL:
  // the letter page is prerendered at build, so its first response after a
  // deploy may still carry the build's URL; that request regenerates the
  // page (ISR, revalidate 10) and every later one carries the runtime URL.
  const { appUrl } = getConfig();
  const url = getCampaignUrl(locale, { appUrl });
  const image = { url: `${url}/og.png`, width: 1200, height: 630, type: "image/png", alt: tShare("imageAlt", { title: campaign.title }) };
  return {
    metadataBase: new URL(`${appUrl}/`),
    title: { default: campaign.title, template: `%s · ${campaign.shortTitle}` },
    description: campaign.lede,
    referrer: "same-origin",
    robots: { index: true, follow: true },
    openGraph: {
      type: "website",
      siteName: tSite("name"),
      title: campaign.title,
      description: campaign.lede,
      url,
      locale: OPEN_GRAPH_LOCALES[locale],
      alternateLocale: routing.locales.filter((other) => other !== locale).map((other) => OPEN_GRAPH_LOCALES[other]),
      images: [image],
    },
    twitter: { card: "summary_large_image", title: campaign.title, description: campaign.lede, images: [image] },
  };
}

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: LocaleParams }) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Site");
  return (
    <html lang={locale}>
      <body>
        <a className="skip-link" href="#main">
          {t("skipToContent")}
        </a>
        {children}
        <footer className="site-footer">
          <p>{t("footer")}</p>
        </footer>
      </body>
    </html>
  );
}
