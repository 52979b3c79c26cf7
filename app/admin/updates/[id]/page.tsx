import { getFormatter, getTranslations } from "next-intl/server";
import { PublishUpdateForm } from "@/components/admin/PublishUpdateForm";
import { UpdateEditor } from "@/components/admin/UpdateEditor";
import { DEFAULT_LOCALE, LOCALES } from "@/lib/i18n/locales";
import { can } from "@/server/auth/permissions";
import { getConfig } from "@/server/config";
import { getCampaign } from "@/server/content/get-campaign";
import { getUpdateForEditing } from "@/server/updates/admin-updates";
import { getAdminLocale } from "../../admin-locale";
import { idFromParams, orNotFound, requireOrganizerPage, type RecordPageProps } from "../../guard";
import { publishUpdateAction, saveUpdateAction } from "../actions";
import { getUpdateEditorLabels, languageName, UPDATE_SERVER_ERRORS } from "../editor-labels";
import { editorValuesOf } from "./update-editor-values";

/**
 * One update: its editor, its previews, publishing, and the published
 * versions kept of it. Viewers read it; admins and owners write and publish.
 */
export default async function UpdateAdminPage({ params, searchParams }: RecordPageProps) {
  const organizer = await requireOrganizerPage("readUpdates");
  const id = await idFromParams(params);
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.updates" });
  const format = await getFormatter({ locale });
  const update = orNotFound(() => getUpdateForEditing({ actor: organizer, id }));
  const canWrite = can(organizer, "writeUpdates");
  const isPublished = update.state === "published";
  const publicUrl = `${getConfig().appUrl}/${locale}/updates/${update.publicSlug}`;
  const { done, error } = await searchParams;
  const knownError = typeof error === "string" && (UPDATE_SERVER_ERRORS as readonly string[]).includes(error) ? error : typeof error === "string" ? "failed" : undefined;
  const when = (ms: number) => format.dateTime(new Date(ms), { dateStyle: "long", timeStyle: "short" });

  return (
    <>
      <p>
        <a href="/admin/updates">{t("title")}</a>
      </p>
      <h1>{t("editTitle")}</h1>
      {knownError ? (
        <p className="form-alert" role="alert">
          {t(`errors.${knownError as (typeof UPDATE_SERVER_ERRORS)[number]}`)}
        </p>
      ) : done === "published" ? (
        <p className="note" role="status">
          {t("published", { url: publicUrl })}
        </p>
      ) : done === "saved" ? (
        <p className="note" role="status">
          {isPublished ? t("savedPublished") : t("saved")}
        </p>
      ) : null}
      <p>
        <strong>{t(`state.${update.state}`)}</strong>
        {isPublished && update.publishedAt ? <> · {t("publishedAt", { date: when(update.publishedAt), url: publicUrl })}</> : null}
      </p>
      {canWrite ? null : <p className="note">{t("readOnly")}</p>}

      <UpdateEditor
        // A new revision opens a fresh editor (its values are the saved ones).
        key={update.revision}
        action={saveUpdateAction}
        labels={await getUpdateEditorLabels(locale, { isPublished })}
        locales={[DEFAULT_LOCALE, ...LOCALES.filter((other) => other !== DEFAULT_LOCALE)]}
        authors={getCampaign(locale).signatories.map(({ id: authorId, name }) => ({ id: authorId, name }))}
        initialValues={editorValuesOf(update)}
        id={update.id}
        revision={update.revision}
        canWrite={canWrite}
      />

      <section className="admin-section" aria-labelledby="preview-heading">
        <h2 id="preview-heading">{t("previewHeading")}</h2>
        <p>{t("previewIntro")}</p>
        <ul>
          {LOCALES.map((reader) => (
            <li key={reader}>
              <a href={`/admin/updates/${update.id}/preview?locale=${reader}`}>{t("previewIn", { language: languageName(reader, locale) })}</a>
            </li>
          ))}
        </ul>
      </section>

      {canWrite && !isPublished ? (
        <PublishUpdateForm
          action={publishUpdateAction}
          id={update.id}
          revision={update.revision}
          labels={{ heading: t("publishHeading"), intro: t("publishIntro", { url: publicUrl }), publish: t("publish") }}
        />
      ) : null}

      {/* Sending to subscribers (issue 15, decision 0022) has its own page, after publishing. */}
      {update.state === "published" && canWrite ? (
        <section className="admin-section" aria-labelledby="send-heading">
          <h2 id="send-heading">{t("sendHeading")}</h2>
          <p>{t("sendIntro")}</p>
          <p>
            <a className="button" href={`/admin/updates/${update.id}/send`}>
              {t("sendLink")}
            </a>
          </p>
        </section>
      ) : null}

      {update.revisions.length > 0 ? (
        <section className="admin-section" aria-labelledby="revisions-heading">
          <h2 id="revisions-heading">{t("revisionsHeading")}</h2>
          <ol reversed>
            {update.revisions.map((entry) => (
              <li key={entry.revision}>
                {t("revisionEntry", { revision: entry.revision, date: when(entry.editedAt), editor: entry.editedBy ?? t("unknownEditor") })}{" "}
                <a href={`/admin/updates/${update.id}/preview?locale=${locale}&revision=${entry.revision}`}>{t("viewRevision", { revision: entry.revision })}</a>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}
