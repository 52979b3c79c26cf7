import { getFormatter, getTranslations } from "next-intl/server";
import { DailyChart } from "@/components/admin/DailyChart";
import { getCountryName } from "@/lib/countries";
import { DASHBOARD_STATUSES, getDashboard } from "@/server/dashboard/get-dashboard";
import { getReferralSources } from "@/server/sharing/referrals";
import { getAdminLocale } from "./admin-locale";
import { requireOrganizerPage } from "./guard";

export default async function AdminDashboardPage() {
  const organizer = await requireOrganizerPage("readTotals");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.dashboard" });
  const tAbuse = await getTranslations({ locale, namespace: "Abuse.dashboard" });
  const format = await getFormatter({ locale });
  const dashboard = getDashboard({ actor: organizer });
  const sources = getReferralSources({ actor: organizer });
  const hasSources = sources.partners.length > 0 || sources.signerLinks > 0 || sources.utmSources.length > 0;
  const percent = dashboard.goal > 0 ? Math.floor((dashboard.total / dashboard.goal) * 100) : 0;
  const first = dashboard.daily[0]?.day;
  const last = dashboard.daily.at(-1)?.day;
  return (
    <>
      <h1>{t("title")}</h1>
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">{t("totalsHeading")}</h2>
        <dl className="stat-grid">
          {DASHBOARD_STATUSES.map((status) => (
            <div key={status} className="stat">
              <dt>{t(`statuses.${status}`)}</dt>
              <dd data-status={status}>{format.number(dashboard.statusTotals[status])}</dd>
            </div>
          ))}
        </dl>
        <p>{t("goal", { total: format.number(dashboard.total), goal: format.number(dashboard.goal), percent })}</p>
      </section>

      <section aria-labelledby="reminders-heading">
        <h2 id="reminders-heading">{t("remindersHeading")}</h2>
        <p>{dashboard.reminders.hours > 0 ? t("remindersOn", { reminderHours: dashboard.reminders.hours }) : t("remindersOff")}</p>
        <dl className="stat-grid">
          <div className="stat">
            <dt>{t("remindersSent")}</dt>
            <dd data-reminders="sent">{format.number(dashboard.reminders.sent)}</dd>
          </div>
          <div className="stat">
            <dt>{t("remindersConfirmed")}</dt>
            <dd data-reminders="confirmedAfter">{format.number(dashboard.reminders.confirmedAfter)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="daily-heading">
        <h2 id="daily-heading">{t("dailyHeading")}</h2>
        {first && last ? (
          <DailyChart
            series={dashboard.daily}
            title={t("chartTitle", { from: first, to: last })}
            tableCaption={t("chartTable")}
            dayLabel={t("day")}
            countLabel={t("count")}
            locale={locale}
          />
        ) : (
          <p>{t("chartEmpty")}</p>
        )}
      </section>

      {hasSources ? (
        <section aria-labelledby="sources-heading">
          <h2 id="sources-heading">{t("sourcesHeading")}</h2>
          <table className="data-table">
            <tbody>
              {sources.partners.map((row) => (
                <tr key={row.code}>
                  <th scope="row">
                    {t("partnersLabel")}: {row.label}
                  </th>
                  <td className="numeric">{format.number(row.count)}</td>
                </tr>
              ))}
              {sources.signerLinks > 0 ? (
                <tr>
                  <th scope="row">{t("signerLinks")}</th>
                  <td className="numeric">{format.number(sources.signerLinks)}</td>
                </tr>
              ) : null}
              {sources.utmSources.map((row) => (
                <tr key={row.source}>
                  <th scope="row">
                    {t("utmLabel")}: {row.source}
                  </th>
                  <td className="numeric">{format.number(row.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {dashboard.suspiciousBursts ? (
        <section aria-labelledby="suspicious-heading">
          <h2 id="suspicious-heading">{tAbuse("heading")}</h2>
          <p>{tAbuse("intro")}</p>
          {dashboard.suspiciousBursts.length === 0 ? (
            <p>{tAbuse("empty")}</p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{tAbuse("source")}</th>
                  <th scope="col" className="numeric">
                    {tAbuse("count")}
                  </th>
                  <th scope="col">{tAbuse("lastSeen")}</th>
                  <th scope="col">{tAbuse("review")}</th>
                </tr>
              </thead>
              <tbody>
                {dashboard.suspiciousBursts.map((burst) => (
                  <tr key={`${burst.kind}:${burst.value}`}>
                    <th scope="row">
                      {tAbuse(burst.kind)}: <code>{burst.value}</code>
                    </th>
                    <td className="numeric">{format.number(burst.count)}</td>
                    <td>
                      <time dateTime={new Date(burst.lastSeen).toISOString()}>
                        {format.dateTime(new Date(burst.lastSeen), { dateStyle: "short", timeStyle: "short" })}
                      </time>
                    </td>
                    <td>
                      <a href={`/admin/signatures/bulk?${new URLSearchParams({ [burst.kind]: burst.value }).toString()}`}>{tAbuse("review")}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

      <div className="columns columns--even">
        <section aria-labelledby="countries-heading">
          <h2 id="countries-heading">{t("countriesHeading")}</h2>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("country")}</th>
                <th scope="col" className="numeric">
                  {t("count")}
                </th>
                <th scope="col" className="numeric">
                  {t("share")}
                </th>
              </tr>
            </thead>
            <tbody>
              {dashboard.countries.map((row) => (
                <tr key={row.code}>
                  <td>{getCountryName(row.code, locale)}</td>
                  <td className="numeric">{format.number(row.count)}</td>
                  <td className="numeric">{format.number(dashboard.total ? row.count / dashboard.total : 0, { style: "percent", maximumFractionDigits: 1 })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        {dashboard.recentActivity ? (
          <section aria-labelledby="activity-heading">
            <h2 id="activity-heading">{t("activityHeading")}</h2>
            {dashboard.recentActivity.length === 0 ? (
              <p>{t("activityEmpty")}</p>
            ) : (
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t("when")}</th>
                    <th scope="col">{t("who")}</th>
                    <th scope="col">{t("what")}</th>
                    <th scope="col" className="numeric">
                      {t("rows")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {dashboard.recentActivity.map((row) => (
                    <tr key={row.id}>
                      <td>
                        <time dateTime={new Date(row.createdAt).toISOString()}>
                          {format.dateTime(new Date(row.createdAt), { dateStyle: "short", timeStyle: "short" })}
                        </time>
                      </td>
                      <td>{row.actorHidden ? <i>{t("typedEmailHidden")}</i> : row.actorEmail}</td>
                      <td>
                        <code>{row.action}</code>
                      </td>
                      <td className="numeric">{row.rowCount ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ) : null}
      </div>
    </>
  );
}
