import { getTranslations } from "next-intl/server";
import { CountryField } from "@/components/admin/CountryField";
import { ReasonField } from "@/components/admin/ReasonField";
import { DataTable } from "@/components/ui/DataTable";
import { getCountryName } from "@/lib/countries";
import { bulkFilterQuery, readBulkFilterFields } from "@/lib/schemas/moderation";
import { INVALIDATABLE_STATUSES } from "@/lib/signature-lifecycle";
import { isAppError } from "@/server/errors";
import { previewBulkInvalidation, type BulkInvalidationPreview } from "@/server/moderation/bulk-invalidate";
import { getAdminLocale } from "../../admin-locale";
import { requireOrganizerPage } from "../../guard";
import { bulkInvalidateAction } from "../actions";
import { signatureColumns } from "../signature-columns";

/** The filter's text fields (the country has its own control; the statuses are checkboxes). */
const TEXT_FIELDS = {
  emailDomain: { id: "bulk-domain", label: "emailDomain", placeholder: "mail.example" },
  ipHash: { id: "bulk-ip", label: "ipHash", placeholder: undefined },
  from: { id: "bulk-from", label: "fromTime", placeholder: "2026-11-21T10:00:00Z" },
  to: { id: "bulk-to", label: "toTime", placeholder: "2026-11-21T11:00:00Z" },
  namePattern: { id: "bulk-name", label: "namePattern", placeholder: "bot*" },
} as const;

/**
 * Bulk invalidation in two steps, as the UK petitions site does: a filter
 * shows how many signatures it matches (and a sample); only then can they be
 * invalidated, and only if the count has not changed meanwhile.
 */
export default async function BulkInvalidationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requireOrganizerPage("moderate");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.moderation" });
  const tStatus = await getTranslations({ locale, namespace: "Admin.dashboard.statuses" });
  const query = await searchParams;
  const filter = readBulkFilterFields((name) => ([] as unknown[]).concat(query[name] ?? []));
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
  const sampleColumns = await signatureColumns<BulkInvalidationPreview["sample"][number]>(locale, { linkName: false });
  const chosenStatuses: readonly string[] = filter.statuses ?? INVALIDATABLE_STATUSES;
  const textField = (name: keyof typeof TEXT_FIELDS) => {
    const { id, label, placeholder } = TEXT_FIELDS[name];
    return (
      <div className="field" key={name}>
        <label htmlFor={id}>{t(label)}</label>
        <input id={id} name={name} type="text" placeholder={placeholder} defaultValue={filter[name]} />
      </div>
    );
  };

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
        {(["emailDomain", "ipHash"] as const).map(textField)}
        <CountryField id="bulk-country" label={t("country")} anyLabel={t("any")} locale={locale} defaultValue={filter.country} />
        {(["from", "to", "namePattern"] as const).map(textField)}
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
          <DataTable caption={t("sample")} rows={preview.sample} rowKey={(row) => row.id} empty={null} columns={sampleColumns} />
          {preview.count > 0 ? (
            <form action={bulkInvalidateAction} className="sign-form narrow-form">
              {[...bulkFilterQuery(filter)].map(([field, item]) => (
                <input key={`${field}-${item}`} type="hidden" name={field} value={item} />
              ))}
              <input type="hidden" name="expectedCount" value={preview.count} />
              <ReasonField id="bulk-reason" label={t("reasonLabel")} />
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
