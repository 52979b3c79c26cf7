import "server-only";
import { Feed } from "feed";
import type { AppDatabase } from "@/db/client";
import type { Locale } from "@/lib/i18n/locales";
import { getApiTranslator } from "@/server/api/http";
import { getCampaign } from "@/server/content/get-campaign";
import { listPublishedUpdateViews } from "./find-updates";

/** The feed holds the newest this many; older updates keep their pages. */
export const FEED_ENTRY_LIMIT = 50;

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/**
 * The Atom feed (RFC 4287) of the published updates in one locale, newest
 * first (the `feed` library writes and escapes the XML). Entries carry the
 * rendered body as `type="html"` and, where the update has no text in this
 * locale, the same one-line note as its page. Drafts are never read.
 * Anyone may call it.
 */
export function buildUpdatesFeed(options: { locale: Locale; appUrl: string; db?: AppDatabase }): string {
  const { locale, appUrl } = options;
  const t = getApiTranslator(locale);
  const campaign = getCampaign(locale);
  const entries = listPublishedUpdateViews({ locale, limit: FEED_ENTRY_LIMIT, db: options.db });
  const listUrl = `${appUrl}/${locale}/updates`;
  const lastChange = (entry: (typeof entries)[number]) => entry.editedAt ?? entry.publishedAt ?? 0;
  // With no entry yet, the feed last changed when the campaign began.
  const updated = entries.length > 0 ? new Date(Math.max(...entries.map(lastChange))) : new Date(`${campaign.publishedOn}T00:00:00Z`);

  const feed = new Feed({
    id: listUrl,
    link: listUrl,
    title: t("Updates.feedTitle", { title: campaign.shortTitle }),
    description: t("Updates.intro"),
    language: locale,
    updated,
    generator: "undersigned",
    copyright: "",
    feedLinks: { atom: `${listUrl}/feed.xml` },
    author: { name: t("Site.name"), link: `${appUrl}/${locale}` },
  });
  for (const entry of entries) {
    const url = `${listUrl}/${entry.slug}`;
    const note = entry.isFallback ? `<p><em>${escapeHtml(t("Updates.fallbackNote", { original: entry.textLocale }))}</em></p>\n` : "";
    feed.addItem({
      // The library marks titles and summaries as HTML: escaped, they read as typed.
      title: escapeHtml(entry.title),
      id: url,
      link: url,
      date: new Date(lastChange(entry)),
      published: new Date(entry.publishedAt ?? 0),
      description: escapeHtml(entry.summary),
      content: `${note}${entry.html}`,
    });
  }
  return feed.atom1();
}
