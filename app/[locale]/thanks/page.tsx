import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";

// Dynamic (it reads no data): the share link needs APP_URL as the server was started with.
export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Thanks" });
  return { title: t("title"), robots: { index: false } };
}

export default async function ThanksPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations("Thanks");
  const tShare = await getTranslations("Referral");
  return (
    <>
      <SiteHeader path="/thanks" />
      <main id="main" className="narrow">
        <h1>{t("title")}</h1>
        <p className="lede">{t("body")}</p>
        <p>{t("spam")}</p>
        <SharePanel url={`${getConfig().appUrl}/${locale}`} heading={tShare("shareHeading")} intro={tShare("thanksShareIntro")} toolkitHref={`/${locale}/share`} />
        <p>
          <a href={`/${locale}`}>{t("back")}</a>
        </p>
      </main>
    </>
  );
}
