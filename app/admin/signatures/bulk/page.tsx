import { getTranslations } from "next-intl/server";
import { CountryField } from "@/components/admin/CountryField";
import { getCountryName } from "@/lib/countries";
import { INVALIDATABLE_STATUSES } from "@/lib/schemas/moderation";
import { isAppError } from "@/server/errors";
import { previewBulkInvalidation } from "@/server/moderation/bulk-invalidate";
import { getAdminLocale } from "../../admin-locale";
import { requireOrganizerPage } from "../../guard";
import { bulkInvalidateAction } from "../actions";

const FILTER_FIELDS = ["emailDomain", "ipHash", "country", "from", "to", "namePattern"] as const;

/**
 * Bulk invalidation in two steps, as the UK petitions site does: a filter
 * shows how many signatures it matches (and a sample); only then can they be
 * invalidated, and only if the count has not changed meanwhile.
 */
export default async function BulkInvalidationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requireOrganizerPage("admin");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.moderation" });
  const tStatus = await getTranslations({ locale, namespace: "Admin.dashboard.statuses" });
  const query = await searchParams;
  const filter: Record<string, string | string[]> = {};
  for (const field of FILTER_FIELDS) {
    const value = query[field];
    if (typeof value === "string" && value !== "") filter[field] = value;
  }
  const statuses = ([] as string[]).concat(query.statuses ?? []).filter((value) => value !== "");
  if (statuses.length > 0) filter.statuses = statuses;
  const wantsPreview = Object.keys(filter).length > 0;
  let preview: ReturnType<typeof previewBulkInvalidation> | undefined;
  let problem = typeof query.error === "string" ? query.error : undefined;
  if (wantsPreview && !problem) {
    try {
      preview = previewBulkInvalidation({ actor: organizer, filter });
    } catch (error) {
      if (!isAppError(error) || error.code !== "INVALID") throw error;
      problem = error.details ? Object.values(error.details)[0] : error.messageKey;
    }
  }
  const done = typeof query.done === "string" ? Number(query.done) : undefined;
  const value = (field: string) => (typeof filter[field] === "string" ? (filter[field] as string) : undefined);
  const chosenStatuses = statuses.length > 0 ? statuses : ["pending", "verified"];

  return (
    <>
      <p>
        <a href="/admin/signatures">{t("back")}</a>
      </p>
      <h1>{t("bulkTitle")}</h1>
      <p className="lede">{t("bulkIntro")}</p>
      {done !== undefined && Number.isInteger(done) ? (
        <p className="note" role="status">
          {t("bulkDone", { count: done })}
        </p>
      ) : null}
      {problem ? (
        <p className="form-alert" role="alert">
          {t.has(`errors.${problem}`) ? t(`errors.${problem}`) : t("errors.invalid")}
        </p>
      ) : null}
      <form method="get" className="filter-grid" aria-label={t("bulkFilterLabel")}>
        <div className="field">
          <label htmlFor="bulk-domain">{t("emailDomain")}</label>
          <input id="bulk-domain" name="emailDomain" type="text" placeholder="mail.example" defaultValue={value("emailDomain")} />
        </div>
        <div className="field">
          <label htmlFor="bulk-ip">{t("ipHash")}</label>
          <input id="bulk-ip" name="ipHash" type="text" defaultValue={value("ipHash")} />
        </div>
        <CountryField id="bulk-country" label={t("country")} anyLabel={t("any")} locale={locale} defaultValue={value("country")} />
        <div className="field">
          <label htmlFor="bulk-from">{t("fromTime")}</label>
          <input id="bulk-from" name="from" type="text" placeholder="2026-11-21T10:00:00Z" defaultValue={value("from")} />
        </div>
        <div className="field">
          <label htmlFor="bulk-to">{t("toTime")}</label>
          <input id="bulk-to" name="to" type="text" placeholder="2026-11-21T11:00:00Z" defaultValue={value("to")} />
        </div>
        <div className="field">
          <label htmlFor="bulk-name">{t("namePattern")}</label>
          <input id="bulk-name" name="namePattern" type="text" placeholder="bot*" defaultValue={value("namePattern")} />
        </div>
        <fieldset className="field">
          <legend>{t("statuses")}</legend>
          {INVALIDATABLE_STATUSES.map((status) => (
            <label key={status} className="check-label">
              <input type="checkbox" name="statuses" value={status} defaultChecked={chosenStatuses.includes(status)} /> {tStatus(status)}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button">
          {t("preview")}
        </button>
      </form>

      {preview ? (
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading">{t("previewHeading", { count: preview.count })}</h2>
          <p>
            {t("previewByStatus", { pending: preview.byStatus.pending, verified: preview.byStatus.verified })}
          </p>
          {Object.keys(preview.byCountry).length > 0 ? (
            <p>
              {Object.entries(preview.byCountry)
                .map(([code, count]) => `${getCountryName(code, locale)}: ${count}`)
                .join(", ")}
            </p>
          ) : null}
          {preview.sample.length > 0 ? (
            <table className="data-table">
              <caption>{t("sample")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("name")}</th>
                  <th scope="col">{t("email")}</th>
                  <th scope="col">{t("country")}</th>
                  <th scope="col">{t("status")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((row) => (
                  <tr key={row.id}>
                    <td dir="auto">{row.name || t("erasedName")}</td>
                    <td>{row.email || "—"}</td>
                    <td>{getCountryName(row.country, locale)}</td>
                    <td>{tStatus(row.status as "pending")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {preview.count > 0 ? (
            <form action={bulkInvalidateAction} className="sign-form narrow-form">
              {Object.entries(filter).flatMap(([field, entry]) =>
                ([] as string[]).concat(entry).map((item) => <input key={`${field}-${item}`} type="hidden" name={field} value={item} />),
              )}
              <input type="hidden" name="expectedCount" value={preview.count} />
              <div className="field">
                <label htmlFor="bulk-reason">{t("reasonLabel")}</label>
                <input id="bulk-reason" name="reason" type="text" required minLength={3} maxLength={500} />
              </div>
              <button type="submit" className="button button--primary">
                {t("bulkInvalidate", { count: preview.count })}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
