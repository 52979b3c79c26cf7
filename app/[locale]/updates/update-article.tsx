import { getFormatter, getTranslations } from "next-intl/server";
import type { Locale } from "@/lib/i18n/locales";
import { getCampaign } from "@/server/content/get-campaign";
import type { UpdateSummary } from "@/server/updates/find-updates";
import type { UpdateView } from "@/server/updates/update-view";

type Translator = Awaited<ReturnType<typeof getTranslations<"Updates">>>;
type Formatter = Awaited<ReturnType<typeof getFormatter>>;

/** A day (YYYY-MM-DD) in the reader's words; noon UTC keeps it the same day in every zone. */
function formatDay(format: Formatter, day: string): string {
  return format.dateTime(new Date(`${day}T12:00:00Z`), { dateStyle: "long" });
}

/** The line that says what happened, where and when (delivery, hearing, an author's change), or null for news. */
export function describeUpdate(t: Translator, format: Formatter, update: UpdateSummary | UpdateView, locale: Locale): string | null {
  const date = update.eventOn ? formatDay(format, update.eventOn) : "";
  if (update.kind === "delivery" && update.institution) return t("delivery", { institution: update.institution, date });
  if (update.kind === "hearing") return update.institution ? t("hearingAt", { institution: update.institution, date }) : t("hearing", { date });
  if (update.kind === "authorChange" && update.authorChange) {
    const name = getCampaign(locale).signatories.find((person) => person.id === update.authorId)?.name ?? update.authorId ?? "";
    return t(`authorChange.${update.authorChange}`, { name, date });
  }
  return null;
}

/** When it was published (and last edited), in the reader's words. */
export function publicationLine(t: Translator, format: Formatter, update: UpdateSummary | UpdateView): string {
  const when = (ms: number) => format.dateTime(new Date(ms), { dateStyle: "long" });
  const published = t("publishedOn", { date: when(update.publishedAt ?? 0) });
  return update.editedAt ? `${published}, ${t("editedOn", { date: when(update.editedAt) })}` : published;
}

/**
 * One update as readers see it: on its public page and, rendered by this
 * same component, in the admin preview (so a draft previews exactly as it
 * will be published). The body is HTML from the safe Markdown renderer.
 */
export async function UpdateArticle({ update, locale }: { update: UpdateView; locale: Locale }) {
  const t = await getTranslations({ locale, namespace: "Updates" });
  const format = await getFormatter({ locale });
  const what = describeUpdate(t, format, update, locale);
  return (
    <article className="update" aria-labelledby="update-title">
      <header className="update__header">
        <p className="update__kind">{t(`kind.${update.kind}`)}</p>
        <h1 id="update-title" lang={update.textLocale}>
          {update.title}
        </h1>
        <p className="update__meta">{publicationLine(t, format, update)}</p>
        {what ? <p className="update__what">{what}</p> : null}
        {update.isFallback ? <p className="note">{t("fallbackNote", { original: update.textLocale })}</p> : null}
      </header>
      {/* Rendered from Markdown with safe defaults: raw HTML shows as text, dangerous links are dropped. */}
      <div className="update__body" lang={update.textLocale} dangerouslySetInnerHTML={{ __html: update.html }} />
    </article>
  );
}
