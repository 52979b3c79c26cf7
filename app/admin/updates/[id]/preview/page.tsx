import { getTranslations } from "next-intl/server";
import { PublishUpdateForm } from "@/components/admin/PublishUpdateForm";
import { UpdateArticle } from "@/app/[locale]/updates/update-article";
import { isLocale } from "@/lib/i18n/locales";
import { can } from "@/server/auth/permissions";
import { getConfig } from "@/server/config";
import { getUpdatePreview } from "@/server/updates/admin-updates";
import { getAdminLocale } from "../../../admin-locale";
import { idFromParams, orNotFound, requireOrganizerPage, type RecordPageProps } from "../../../guard";
import { publishUpdateAction } from "../../actions";
import { languageName } from "../../editor-labels";

/**
 * An update as a reader in `?locale=` sees it, rendered by the public page's
 * own component: a draft previews exactly as it will be published, and a
 * kept version (`?revision=`) as it was. Viewers and up; a draft may be
 * published from here.
 */
export default async function UpdatePreviewPage({ params, searchParams }: RecordPageProps) {
  const organizer = await requireOrganizerPage("readUpdates");
  const id = await idFromParams(params);
  const query = await searchParams;
  const adminLocale = await getAdminLocale();
  const reader = isLocale(query.locale) ? query.locale : adminLocale;
  const revision = typeof query.revision === "string" && /^\d{1,9}$/.test(query.revision) ? Number(query.revision) : undefined;
  const t = await getTranslations({ locale: adminLocale, namespace: "Admin.updates" });
  const preview = orNotFound(() => getUpdatePreview({ actor: organizer, id, locale: reader, revision }));
  const url = `${getConfig().appUrl}/${reader}/updates/${preview.slug}`;
  const isRevision = revision !== undefined;
  const canPublish = !isRevision && preview.state === "draft" && can(organizer, "publishUpdates");
  return (
    <>
      <p>
        <a href={`/admin/updates/${id}`}>{t("backToEditor")}</a>
      </p>
      <p className="note" role="status">
        <strong>{t("previewTitle", { language: languageName(reader, adminLocale) })}.</strong>{" "}
        {isRevision ? t("previewRevisionNote", { revision: preview.revision }) : preview.state === "draft" ? t("previewDraftNote", { url }) : t("previewPublishedNote", { url })}
      </p>
      <div className="update-preview" lang={reader}>
        <UpdateArticle update={preview.view} locale={reader} />
      </div>
      {canPublish ? (
        <PublishUpdateForm
          action={publishUpdateAction}
          id={id}
          revision={preview.revision}
          labels={{ heading: t("publishHeading"), intro: t("publishIntro", { url }), publish: t("publish") }}
        />
      ) : null}
    </>
  );
}
