import { getFormatter, getTranslations } from "next-intl/server";
import { DataTable } from "@/components/ui/DataTable";
import { LOCALES } from "@/lib/i18n/locales";
import { can } from "@/server/auth/permissions";
import { listUpdatesForAdmin } from "@/server/updates/admin-updates";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";

/** Every update, drafts first. Viewers read; admins and owners write (decision 0021). */
export default async function UpdatesAdminPage() {
  const organizer = await requireOrganizerPage("readUpdates");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.updates" });
  const tUpdates = await getTranslations({ locale, namespace: "Updates" });
  const format = await getFormatter({ locale });
  const rows = listUpdatesForAdmin({ actor: organizer });
  const canWrite = can(organizer, "writeUpdates");
  return (
    <>
      <h1>{t("title")}</h1>
      <p className="lede">{t("intro")}</p>
      {canWrite ? (
        <p>
          <a className="button button--primary" href="/admin/updates/new">
            {t("new")}
          </a>
        </p>
      ) : (
        <p className="note">{t("readOnly")}</p>
      )}
      <DataTable
        rows={rows}
        rowKey={(row) => row.id}
        empty={<p>{t("empty")}</p>}
        columns={[
          {
            header: t("columns.title"),
            cell: (row) => {
              const titleLocale = row.titles[locale] !== undefined ? locale : LOCALES.find((other) => row.titles[other] !== undefined);
              return (
                <a href={`/admin/updates/${row.id}`} lang={titleLocale}>
                  {(titleLocale && row.titles[titleLocale]) || t("untitled")}
                </a>
              );
            },
          },
          { header: t("columns.kind"), cell: (row) => tUpdates(`kind.${row.kind}`) },
          { header: t("columns.state"), cell: (row) => t(`state.${row.state}`) },
          { header: t("columns.updated"), cell: (row) => format.dateTime(new Date(row.updatedAt), { dateStyle: "medium", timeStyle: "short" }) },
        ]}
      />
    </>
  );
}
