import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { ContentBlocks } from "@/components/site/ContentBlocks";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { getContentPage } from "@/server/content/get-campaign";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Privacy" });
  return { title: t("title") };
}

export default async function PrivacyPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations("Privacy");
  const page = getContentPage("privacy", locale);
  return (
    <>
      <SiteHeader path="/privacy" />
      <main id="main" className="narrow prose">
        <h1>{t("title")}</h1>
        {page.isFallback ? <p className="note">{t("fallbackNote")}</p> : null}
        <ContentBlocks blocks={page.blocks} />
      </main>
    </>
  );
}
