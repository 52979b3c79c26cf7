import { getTranslations } from "next-intl/server";
import { UpdateEditor } from "@/components/admin/UpdateEditor";
import { DEFAULT_LOCALE, LOCALES } from "@/lib/i18n/locales";
import { getCampaign } from "@/server/content/get-campaign";
import { getAdminLocale } from "../../admin-locale";
import { requireOrganizerPage } from "../../guard";
import { saveUpdateAction } from "../actions";
import { getUpdateEditorLabels } from "../editor-labels";

/** A new update, saved as a draft. Admins and owners. */
export default async function NewUpdatePage() {
  await requireOrganizerPage("writeUpdates");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.updates" });
  const authors = getCampaign(locale).signatories.map(({ id, name }) => ({ id, name }));
  return (
    <>
      <p>
        <a href="/admin/updates">{t("title")}</a>
      </p>
      <h1>{t("newTitle")}</h1>
      <UpdateEditor
        action={saveUpdateAction}
        labels={await getUpdateEditorLabels(locale, { isPublished: false })}
        locales={[DEFAULT_LOCALE, ...LOCALES.filter((other) => other !== DEFAULT_LOCALE)]}
        authors={authors}
        initialValues={{}}
        canWrite
      />
    </>
  );
}
