import { getFormatter, getTranslations } from "next-intl/server";
import { CountryField } from "@/components/admin/CountryField";
import { DataTable, type DataColumn } from "@/components/ui/DataTable";
import { SIGNATURE_STATUSES } from "@/lib/signature-lifecycle";
import { can } from "@/server/auth/permissions";
import { isAppError } from "@/server/errors";
import { searchSignatures, type ModeratedSignature } from "@/server/moderation/search-signatures";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";
import { signatureColumns } from "./signature-columns";

const SEARCH_FIELDS = ["q", "country", "status", "from", "to", "cursor"] as const;

export default async function SignaturesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requireOrganizerPage("seePersonalData");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.moderation" });
  const tStatus = await getTranslations({ locale, namespace: "Admin.dashboard.statuses" });
  const format = await getFormatter({ locale });
  const query = await searchParams;
  const filters: Record<string, string> = {};
  for (const field of SEARCH_FIELDS) {
    const value = query[field];
    if (typeof value === "string" && value !== "") filters[field] = value;
  }
  let result: ReturnType<typeof searchSignatures> | undefined;
  let problem: string | undefined;
  try {
    result = searchSignatures({ actor: organizer, filters });
  } catch (error) {
    if (!isAppError(error) || error.code !== "INVALID") throw error;
    problem = error.details ? Object.values(error.details)[0] : error.messageKey;
  }
  const next = new URLSearchParams(Object.entries(filters).filter(([key]) => key !== "cursor"));
  if (result?.nextCursor) next.set("cursor", result.nextCursor);
  const columns: DataColumn<ModeratedSignature>[] = [
    ...(await signatureColumns<ModeratedSignature>(locale, { linkName: true })),
    { header: t("signedAt"), cell: (row) => format.dateTime(new Date(row.createdAt), { dateStyle: "short", timeStyle: "short" }) },
  ];

  return (
    <>
      <h1>{t("title")}</h1>
      {can(organizer, "moderate") ? (
        <p>
          <a href="/admin/signatures/bulk">{t("bulkLink")}</a>
        </p>
      ) : null}
      <form method="get" className="filter-grid" aria-label={t("searchLabel")}>
        <div className="field">
          <label htmlFor="search-q">{t("q")}</label>
          <input id="search-q" name="q" type="search" defaultValue={filters.q} />
        </div>
        <CountryField id="search-country" label={t("country")} anyLabel={t("any")} locale={locale} defaultValue={filters.country} />
        <div className="field">
          <label htmlFor="search-status">{t("status")}</label>
          <select id="search-status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">{t("any")}</option>
            {SIGNATURE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {tStatus(status)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-from">{t("from")}</label>
          <input id="search-from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div className="field">
          <label htmlFor="search-to">{t("to")}</label>
          <input id="search-to" name="to" type="date" defaultValue={filters.to} />
        </div>
        <button type="submit" className="button button--primary">
          {t("search")}
        </button>
      </form>
      {problem ? (
        <p className="form-alert" role="alert">
          {t.has(`errors.${problem}`) ? t(`errors.${problem}`) : t("errors.invalid")}
        </p>
      ) : null}
      {result ? (
        <DataTable
          rows={result.rows}
          rowKey={(row) => row.id}
          empty={<p>{t("empty")}</p>}
          columns={columns}
        />
      ) : null}
      {result?.nextCursor ? (
        <p>
          <a href={`/admin/signatures?${next.toString()}`}>{t("more")}</a>
        </p>
      ) : null}
    </>
  );
}
