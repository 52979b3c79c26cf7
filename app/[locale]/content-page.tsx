import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { localePageMetadata, openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import { getContentPage, getContentPageValues } from "@/server/content/get-campaign";
import { SiteHeader } from "@/components/site/SiteHeader";

/** A page of prose from content/pages/<name>.<locale>.md, titled from messages/<locale>.json's `namespace`. */
type ContentPageSpec = { name: "privacy" | "safety"; namespace: "Privacy" | "Safety" };

/** The page's <title>, in its language (the default language for an unknown one). */
export async function contentPageMetadata(spec: ContentPageSpec, params: LocaleParams): Promise<Metadata> {
  return localePageMetadata(spec.namespace)({ params });
}

/** The page itself: its title, a note when the text falls back to English, the text. */
export async function ContentPage({ spec, params }: { spec: ContentPageSpec; params: LocaleParams }) {
  const locale = await openLocalePage(params);
  const t = await getTranslations(spec.namespace);
  const tPrivacy = await getTranslations("Privacy");
  const page = getContentPage(
    spec.name,
    locale,
    getContentPageValues({
      formatDays: (count) => tPrivacy("days", { count }),
      describeConfirmReminder: (hours) => (hours > 0 ? tPrivacy("confirmReminder", { reminderHours: hours }) : tPrivacy("confirmReminderOff")),
    }),
  );
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
