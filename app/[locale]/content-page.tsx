import type { Metadata } from "next";
import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { routing } from "@/lib/i18n/routing";
import { getContentPage, getContentPageValues } from "@/server/content/get-campaign";
import { SiteHeader } from "@/components/site/SiteHeader";

/** A page of prose from content/pages/<name>.<locale>.md, titled from messages/<locale>.json's `namespace`. */
type ContentPageSpec = { name: "privacy" | "safety"; namespace: "Privacy" | "Safety" };

/** The page's <title>, in its language (the default language for an unknown one). */
export async function contentPageMetadata(spec: ContentPageSpec, params: Promise<{ locale: string }>): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: spec.namespace });
  return { title: t("title") };
}

/** The page itself: its title, a note when the text falls back to English, the text. */
export async function ContentPage({ spec, params }: { spec: ContentPageSpec; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations(spec.namespace);
  const tPrivacy = await getTranslations("Privacy");
  const page = getContentPage(spec.name, locale, getContentPageValues({ formatDays: (count) => tPrivacy("days", { count }) }));
  return (
    <>
      <SiteHeader path={`/${spec.name}`} />
      <main id="main" className="narrow prose">
        <h1>{t("title")}</h1>
        {page.isFallback ? <p className="note">{t("fallbackNote")}</p> : null}
        {/* Rendered from the content file's Markdown with safe defaults (raw HTML shown as text). */}
        <div className="prose__text" dangerouslySetInnerHTML={{ __html: page.html }} />
      </main>
    </>
  );
}
