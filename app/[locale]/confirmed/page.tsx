import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";

// Dynamic because the share link uses APP_URL, read when the server starts.
export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Confirmed" });
  return { title: t("title"), robots: { index: false } };
}

export default async function ConfirmedPage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations("Confirmed");
  const shareUrl = `${getConfig().appUrl}/${locale}`;
  return (
    <>
      <SiteHeader path="/confirmed" />
      <main id="main" className="narrow">
        <h1>{t("title")}</h1>
        <p className="lede">{t("body")}</p>
        <p>
          <label htmlFor="share-url">{t("shareLabel")}</label>
          <input id="share-url" className="share-url" type="text" readOnly value={shareUrl} />
        </p>
        <p>
          <a href={`/${locale}`}>{t("back")}</a>
        </p>
      </main>
    </>
  );
}
