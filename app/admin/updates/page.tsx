import { getFormatter, getTranslations } from "next-intl/server";
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
      {rows.length === 0 ? (
        <p>{t("empty")}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("columns.title")}</th>
              <th scope="col">{t("columns.kind")}</th>
              <th scope="col">{t("columns.state")}</th>
              <th scope="col">{t("columns.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const titleLocale = row.titles[locale] !== undefined ? locale : LOCALES.find((other) => row.titles[other] !== undefined);
              return (
                <tr key={row.id}>
                  <td>
                    <a href={`/admin/updates/${row.id}`} lang={titleLocale}>
                      {(titleLocale && row.titles[titleLocale]) || t("untitled")}
                    </a>
                  </td>
                  <td>{tUpdates(`kind.${row.kind}`)}</td>
                  <td>{t(`state.${row.state}`)}</td>
                  <td>{format.dateTime(new Date(row.updatedAt), { dateStyle: "medium", timeStyle: "short" })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
