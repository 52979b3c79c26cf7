import { getFormatter, getTranslations } from "next-intl/server";
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
      {rows.length === 0 ? (
        <p>{t("empty")}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t("when")}</th>
              <th scope="col">{t("who")}</th>
              <th scope="col">{t("what")}</th>
              <th scope="col">{t("target")}</th>
              <th scope="col">{t("details")}</th>
              <th scope="col" className="numeric">
                {t("rows")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <time dateTime={new Date(row.createdAt).toISOString()}>
                    {format.dateTime(new Date(row.createdAt), { dateStyle: "short", timeStyle: "medium" })}
                  </time>
                </td>
                <td>{row.actorEmail}</td>
                <td>
                  <code>{row.action}</code>
                </td>
                <td>{row.targetType ? `${row.targetType} ${row.targetId ?? ""}` : ""}</td>
                <td>
                  <code className="audit-details">{row.details ?? ""}</code>
                </td>
                <td className="numeric">{row.rowCount ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore ? (
        <p>
          <a href={`/admin/audit?before=${nextBefore}`}>{t("older")}</a>
        </p>
      ) : null}
    </>
  );
}
