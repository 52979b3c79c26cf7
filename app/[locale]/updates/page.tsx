import type { Metadata } from "next";
import { hasLocale } from "next-intl";
import { getFormatter, getTranslations } from "next-intl/server";
import { SiteHeader } from "@/components/site/SiteHeader";
import { openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";
import { listPublishedUpdates } from "@/server/updates/find-updates";
import { describeUpdate, publicationLine } from "./update-article";

// Like the letter page (decision 0003): rendered on the first request per
// locale, cached (ISR) and refreshed in the background, and refreshed at
// once when an update is published or edited (revalidatePath in the admin's
// actions). The front sends it with a shared-cache Cache-Control (decision 0021).
// Five seconds, not thirty: a background render that began before a
// publication and ends after its revalidatePath is stored as fresh, so the
// news log could miss the update until the next revalidation (CI caught it).
export const revalidate = 5;

export async function generateMetadata({ params }: { params: LocaleParams }): Promise<Metadata> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const t = await getTranslations({ locale, namespace: "Updates" });
  const url = `${getConfig().appUrl}/${locale}/updates`;
  return {
    title: t("title"),
    description: t("intro"),
    alternates: {
      canonical: url,
      languages: Object.fromEntries(routing.locales.map((other) => [other, `${getConfig().appUrl}/${other}/updates`])),
      types: { "application/atom+xml": [{ url: `${url}/feed.xml`, title: t("title") }] },
    },
  };
}

/** The public news log: published updates, newest first, each linking to its own page. */
export default async function UpdatesPage({ params }: { params: LocaleParams }) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Updates");
  const format = await getFormatter();
  const entries = listPublishedUpdates({ locale });
  return (
    <>
      <SiteHeader path="/updates" />
      <main id="main" className="narrow">
        <h1>{t("title")}</h1>
        <p className="lede">{t("intro")}</p>
        <p>
          <a href={`/${locale}/updates/feed.xml`} type="application/atom+xml">
            {t("feedLink")}
          </a>
        </p>
        {entries.length === 0 ? (
          <p>{t("empty")}</p>
        ) : (
          <ol className="update-list">
            {entries.map((entry) => {
              const what = describeUpdate(t, format, entry, locale);
              return (
                <li key={entry.slug} className="update-list__item">
                  <p className="update__kind">{t(`kind.${entry.kind}`)}</p>
                  <h2 lang={entry.textLocale}>
                    <a href={`/${locale}/updates/${entry.slug}`}>{entry.title}</a>
                  </h2>
                  <p className="update__meta">{publicationLine(t, format, entry)}</p>
                  {what ? <p className="update__what">{what}</p> : null}
                  {entry.isFallback ? <p className="note">{t("fallbackNote", { original: entry.textLocale })}</p> : null}
                </li>
              );
            })}
          </ol>
        )}
      </main>
    </>
  );
}
