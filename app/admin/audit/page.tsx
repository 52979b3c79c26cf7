import { getFormatter, getTranslations } from "next-intl/server";
import { DataTable } from "@/components/ui/DataTable";
import { TimeStamp } from "@/components/ui/TimeStamp";
import { listAuditLog } from "@/server/audit/list-audit-log";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requireOrganizerPage("readAuditLog");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.audit" });
  const format = await getFormatter({ locale });
  const { before } = await searchParams;
  const { rows, nextBefore } = listAuditLog({ actor: organizer, before: typeof before === "string" ? Number(before) : undefined });
  return (
    <>
      <h1>{t("title")}</h1>
      <p className="lede">{t("intro")}</p>
      <DataTable
        rows={rows}
        rowKey={(row) => row.id}
        empty={<p>{t("empty")}</p>}
        columns={[
          { header: t("when"), cell: (row) => <TimeStamp at={row.createdAt} format={format} options={{ dateStyle: "short", timeStyle: "medium" }} /> },
          { header: t("who"), cell: (row) => row.actorEmail },
          { header: t("what"), cell: (row) => <code>{row.action}</code> },
          { header: t("target"), cell: (row) => (row.targetType ? `${row.targetType} ${row.targetId ?? ""}` : "") },
          { header: t("details"), cell: (row) => <code className="audit-details">{row.details ?? ""}</code> },
          { header: t("rows"), numeric: true, cell: (row) => row.rowCount ?? "" },
        ]}
      />
      {nextBefore ? (
        <p>
          <a href={`/admin/audit?before=${nextBefore}`}>{t("older")}</a>
        </p>
      ) : null}
    </>
  );
}
