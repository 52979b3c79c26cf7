import { getTranslations } from "next-intl/server";
import { CountryField } from "@/components/admin/CountryField";
import { LanguageField } from "@/components/admin/LanguageField";
import { SIGNATURE_STATUSES } from "@/lib/signature-lifecycle";
import { can } from "@/server/auth/permissions";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";

/** Verified first: what an export is usually for (and the filter's default). */
const STATUSES = ["verified", ...SIGNATURE_STATUSES.filter((status) => status !== "verified")] as const;
const PRESS_FILES = [
  ["signatures-over-time.png", "overTimePng"],
  ["signatures-over-time.svg", "overTimeSvg"],
  ["countries.png", "countriesPng"],
  ["countries.svg", "countriesSvg"],
  ["stats.json", "statsJson"],
] as const;

export default async function ExportsPage() {
  const organizer = await requireOrganizerPage("readTotals");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.exports" });
  const tStatus = await getTranslations({ locale, namespace: "Admin.dashboard.statuses" });
  const tPress = await getTranslations({ locale, namespace: "Admin.pressKit" });
  const mayExportPersonalData = can(organizer, "exportPersonalData");
  return (
    <>
      <h1>{t("title")}</h1>
      <section aria-labelledby="countries-export">
        <h2 id="countries-export">{t("countriesHeading")}</h2>
        <p>{t("countriesIntro")}</p>
        <ul>
          <li>
            <a href="/admin/exports/countries.csv" download>
              {t("countriesCsv")}
            </a>
          </li>
          <li>
            <a href="/admin/exports/countries.json" download>
              {t("countriesJson")}
            </a>
          </li>
        </ul>
      </section>
      <section aria-labelledby="press-kit">
        <h2 id="press-kit">{tPress("heading")}</h2>
        <p>{tPress("intro")}</p>
        <ul>
          {PRESS_FILES.map(([file, label]) => (
            <li key={file}>
              <a href={`/admin/exports/press/${file}?locale=${locale}`} download>
                {tPress(label)}
              </a>
            </li>
          ))}
        </ul>
      </section>
      {mayExportPersonalData ? (
        <section aria-labelledby="signatures-export">
          <h2 id="signatures-export">{t("signaturesHeading")}</h2>
          <p>{t("signaturesIntro")}</p>
          <form method="get" action="/admin/exports/signatures.csv" className="sign-form filter-form">
            <div className="field">
              <label htmlFor="export-status">{t("status")}</label>
              <select id="export-status" name="status" defaultValue="verified">
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {tStatus(status)}
                  </option>
                ))}
              </select>
            </div>
            <CountryField id="export-country" label={t("country")} anyLabel={t("allCountries")} locale={locale} />
            <div className="field">
              <label htmlFor="export-from">{t("from")}</label>
              <input id="export-from" name="from" type="date" />
            </div>
            <div className="field">
              <label htmlFor="export-to">{t("to")}</label>
              <input id="export-to" name="to" type="date" />
            </div>
            <button type="submit" className="button button--primary">
              {t("download")}
            </button>
          </form>
          <p className="hint">{t("audited")}</p>
        </section>
      ) : null}
      {mayExportPersonalData ? (
        <section aria-labelledby="delivery-export">
          <h2 id="delivery-export">{t("deliveryHeading")}</h2>
          <p>{t("deliveryIntro")}</p>
          <form method="get" action="/admin/exports/delivery.pdf" className="sign-form filter-form">
            <CountryField id="delivery-country" label={t("deliveryCountry")} anyLabel={t("deliveryAll")} locale={locale} />
            <LanguageField id="delivery-locale" label={t("deliveryLanguage")} defaultValue={locale} />
            <button type="submit" className="button button--primary">
              {t("deliveryDownload")}
            </button>
          </form>
          <p>
            <a href="/admin/exports/manifest.sha256">{t("manifestLink")}</a>
          </p>
          <p className="hint">{t("manifestIntro")}</p>
        </section>
      ) : (
        <p className="note">{t("viewerNote")}</p>
      )}
    </>
  );
}
