import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { ContentBlocks } from "@/components/site/ContentBlocks";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { getContentPage } from "@/server/content/get-campaign";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Safety" });
  return { title: t("title") };
}

/**
 * Guidance for signers who may be at risk (in Russia above all): what is
 * public, what is kept, how to withdraw, and how to sign more safely. The
 * text lives in content/pages/safety.<locale>.md; the sign form links here.
 */
export default async function SafetyPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations("Safety");
  const page = getContentPage("safety", locale);
  return (
    <>
      <SiteHeader path="/safety" />
      <main id="main" className="narrow prose">
        <h1>{t("title")}</h1>
        {page.isFallback ? <p className="note">{t("fallbackNote")}</p> : null}
        <ContentBlocks blocks={page.blocks} />
      </main>
    </>
  );
}
