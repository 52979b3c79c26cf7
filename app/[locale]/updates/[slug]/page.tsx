import type { Metadata } from "next";
import { hasLocale } from "next-intl";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/site/SiteHeader";
import { openLocalePage } from "@/lib/i18n/locale-page";
import type { Locale } from "@/lib/i18n/locales";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { findPublishedUpdate } from "@/server/updates/find-updates";
import { UpdateArticle } from "../update-article";

// ISR like the list (see ../page.tsx): each update renders on its first
// request, then comes from the cache until it is edited or 5 s pass.
export const revalidate = 5;

export function generateStaticParams(): { slug: string }[] {
  return [];
}

/** Open Graph locale names, as in the locale layout. */
const OPEN_GRAPH_LOCALES: Record<Locale, string> = { en: "en_GB", ru: "ru_RU", uk: "uk_UA" };

type Params = Promise<{ locale: string; slug: string }>;

/** Link previews (decision 0009): the update's title and summary, the campaign's image, absolute URLs from APP_URL. */
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { locale, slug } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const update = findPublishedUpdate({ slug, locale });
  if (!update) return {};
  const { appUrl } = getConfig();
  const url = `${appUrl}/${locale}/updates/${update.slug}`;
  const campaign = getCampaign(locale);
  const tShare = await getTranslations({ locale, namespace: "Share" });
  const tSite = await getTranslations({ locale, namespace: "Site" });
  const image = { url: `${appUrl}/${locale}/og.png`, width: 1200, height: 630, type: "image/png", alt: tShare("imageAlt", { title: campaign.title }) };
  const published = update.publishedAt ? new Date(update.publishedAt).toISOString() : undefined;
  return {
    title: update.title,
    description: update.summary,
    alternates: {
      canonical: url,
      languages: Object.fromEntries(routing.locales.map((other) => [other, `${appUrl}/${other}/updates/${update.slug}`])),
      types: { "application/atom+xml": [{ url: `${appUrl}/${locale}/updates/feed.xml`, title: update.title }] },
    },
    openGraph: {
      type: "article",
      siteName: tSite("name"),
      title: update.title,
      description: update.summary,
      url,
      locale: OPEN_GRAPH_LOCALES[locale],
      publishedTime: published,
      modifiedTime: update.editedAt ? new Date(update.editedAt).toISOString() : published,
      images: [image],
    },
    twitter: { card: "summary_large_image", title: update.title, description: update.summary, images: [image] },
  };
}

/** One published update at its own URL; a draft, an unknown or a malformed slug is a 404. */
export default async function UpdatePage({ params }: { params: Params }) {
  const locale = await openLocalePage(params);
  const { slug } = await params;
  const update = findPublishedUpdate({ slug, locale });
  if (!update) notFound();
  const t = await getTranslations("Updates");
  return (
    <>
      <SiteHeader path={`/updates/${update.slug}`} />
      <main id="main" className="narrow">
        <UpdateArticle update={update} locale={locale} />
        <p>
          <a href={`/${locale}/updates`}>{t("allUpdates")}</a>
        </p>
      </main>
    </>
  );
}
