import { getFormatter, getTranslations } from "next-intl/server";
import { getConfig } from "@/server/config";
import { listMaintenanceRuns } from "@/server/maintenance/list-maintenance-runs";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";

/** The server's last maintenance runs (decision 0019). Owners only. */
export default async function MaintenancePage() {
  const organizer = await requireOrganizerPage("maintain");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.maintenance" });
  const format = await getFormatter({ locale });
  const runs = listMaintenanceRuns({ actor: organizer, limit: 100 });
  return (
    <>
      <h1>{t("title")}</h1>
      <p className="lede">{t("intro", { days: getConfig().unconfirmedRetentionDays })}</p>
      {runs.length === 0 ? (
        <p>{t("empty")}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("when")}</th>
              <th scope="col">{t("task")}</th>
              <th scope="col">{t("trigger")}</th>
              <th scope="col">{t("outcome")}</th>
              <th scope="col" className="numeric">
                {t("duration")}
              </th>
              <th scope="col">{t("summary")}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td>
                  <time dateTime={new Date(run.startedAt).toISOString()}>
                    {format.dateTime(new Date(run.startedAt), { dateStyle: "short", timeStyle: "medium" })}
                  </time>
                </td>
                <td>
                  <code>{run.task}</code>
                </td>
                <td>{run.trigger === "manual" ? t("triggers.manual") : t("triggers.schedule")}</td>
                <td>{t(`outcomes.${run.outcome}`)}</td>
                <td className="numeric">{t("durationMs", { ms: run.finishedAt - run.startedAt })}</td>
                <td>
                  <code className="audit-details">{run.error ?? run.summary ?? ""}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
