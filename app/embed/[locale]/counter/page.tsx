import type { Metadata } from "next";
import { hasLocale } from "next-intl";
import { getTranslations } from "next-intl/server";
import { CampaignCount } from "@/components/letter/CampaignCount";
import { openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { getStats } from "@/server/stats/get-stats";

// ISR like the letter page (decision 0003): at most 10 s old for a reader
// without JavaScript, and LiveCount polls /api/v1/stats for everyone else.
// Nothing is prerendered at build: the first request renders each locale
// with the running server's APP_URL in the "Sign" link (one build serves
// any URL), then the page is regenerated in the background.
export const revalidate = 10;

export function generateStaticParams(): { locale: string }[] {
  return [];
}

type Props = { params: LocaleParams };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const t = await getTranslations({ locale, namespace: "Embed" });
  return { title: t("documentTitle", { title: getCampaign(locale).shortTitle }) };
}

/** `/embed/counter?locale=xx`: the live count for partner sites to frame. */
export default async function EmbedCounterPage({ params }: Props) {
  const locale = await openLocalePage(params);
  const campaign = getCampaign(locale);
  const stats = getStats();
  const t = await getTranslations({ locale, namespace: "Embed" });

  return (
    <main className="embed-counter">
      <h1 className="embed-counter__title">{campaign.shortTitle}</h1>
      <CampaignCount total={stats.total} goal={stats.goal} locale={locale} />
      <a className="embed-counter__cta" href={`${getConfig().appUrl}/${locale}`} target="_blank" rel="noopener">
        {t("signCta")}
        <span className="visually-hidden"> {t("newTab")}</span>
      </a>
    </main>
  );
}
