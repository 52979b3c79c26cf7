import { getFormatter, getTranslations } from "next-intl/server";
import { DataTable } from "@/components/ui/DataTable";
import { TimeStamp } from "@/components/ui/TimeStamp";
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
      <DataTable
        rows={runs}
        rowKey={(run) => run.id}
        empty={<p>{t("empty")}</p>}
        columns={[
          { header: t("when"), cell: (run) => <TimeStamp at={run.startedAt} format={format} options={{ dateStyle: "short", timeStyle: "medium" }} /> },
          { header: t("task"), cell: (run) => <code>{run.task}</code> },
          { header: t("trigger"), cell: (run) => (run.trigger === "manual" ? t("triggers.manual") : t("triggers.schedule")) },
          { header: t("outcome"), cell: (run) => t(`outcomes.${run.outcome}`) },
          { header: t("duration"), numeric: true, cell: (run) => t("durationMs", { ms: run.finishedAt - run.startedAt }) },
          { header: t("summary"), cell: (run) => <code className="audit-details">{run.error ?? run.summary ?? ""}</code> },
        ]}
      />
    </>
  );
}
