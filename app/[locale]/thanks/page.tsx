import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";

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
  return (
    <>
      <SiteHeader path="/thanks" />
      <main id="main" className="narrow">
        <h1>{t("title")}</h1>
        <p className="lede">{t("body")}</p>
        <p>{t("spam")}</p>
        <p>
          <a href={`/${locale}`}>{t("back")}</a>
        </p>
      </main>
    </>
  );
}
