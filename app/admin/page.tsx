import { getFormatter, getTranslations } from "next-intl/server";
import { DailyChart } from "@/components/admin/DailyChart";
import { DataTable } from "@/components/ui/DataTable";
import { Stat } from "@/components/ui/Stat";
import { TimeStamp } from "@/components/ui/TimeStamp";
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
  // Partner links, then signers' own links, then utm_source values: one row each, by what the reader sees.
  const sourceRows = [
    ...sources.partners.map((row) => ({ key: `partner:${row.code}`, label: `${t("partnersLabel")}: ${row.label}`, count: row.count })),
    ...(sources.signerLinks > 0 ? [{ key: "signerLinks", label: t("signerLinks"), count: sources.signerLinks }] : []),
    ...sources.utmSources.map((row) => ({ key: `utm:${row.source}`, label: `${t("utmLabel")}: ${row.source}`, count: row.count })),
  ];
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
            <Stat key={status} label={t(`statuses.${status}`)} data-status={status}>
              {format.number(dashboard.statusTotals[status])}
            </Stat>
          ))}
        </dl>
        <p>{t("goal", { total: format.number(dashboard.total), goal: format.number(dashboard.goal), percent })}</p>
      </section>

      <section aria-labelledby="reminders-heading">
        <h2 id="reminders-heading">{t("remindersHeading")}</h2>
        <p>{dashboard.reminders.hours > 0 ? t("remindersOn", { reminderHours: dashboard.reminders.hours }) : t("remindersOff")}</p>
        <dl className="stat-grid">
          <Stat label={t("remindersSent")} data-reminders="sent">
            {format.number(dashboard.reminders.sent)}
          </Stat>
          <Stat label={t("remindersConfirmed")} data-reminders="confirmedAfter">
            {format.number(dashboard.reminders.confirmedAfter)}
          </Stat>
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

      {sourceRows.length > 0 ? (
        <section aria-labelledby="sources-heading">
          <h2 id="sources-heading">{t("sourcesHeading")}</h2>
          <table className="data-table">
            <tbody>
              {sourceRows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.label}</th>
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
          <DataTable
            rows={dashboard.suspiciousBursts}
            rowKey={(burst) => `${burst.kind}:${burst.value}`}
            empty={<p>{tAbuse("empty")}</p>}
            columns={[
              {
                header: tAbuse("source"),
                namesRow: true,
                cell: (burst) => (
                  <>
                    {tAbuse(burst.kind)}: <code>{burst.value}</code>
                  </>
                ),
              },
              { header: tAbuse("count"), numeric: true, cell: (burst) => format.number(burst.count) },
              { header: tAbuse("lastSeen"), cell: (burst) => <TimeStamp at={burst.lastSeen} format={format} options={{ dateStyle: "short", timeStyle: "short" }} /> },
              {
                header: tAbuse("review"),
                cell: (burst) => <a href={`/admin/signatures/bulk?${new URLSearchParams({ [burst.kind]: burst.value }).toString()}`}>{tAbuse("review")}</a>,
              },
            ]}
          />
        </section>
      ) : null}

      <div className="columns columns--even">
        <section aria-labelledby="countries-heading">
          <h2 id="countries-heading">{t("countriesHeading")}</h2>
          <DataTable
            rows={dashboard.countries}
            rowKey={(row) => row.code}
            columns={[
              { header: t("country"), cell: (row) => getCountryName(row.code, locale) },
              { header: t("count"), numeric: true, cell: (row) => format.number(row.count) },
              {
                header: t("share"),
                numeric: true,
                cell: (row) => format.number(dashboard.total ? row.count / dashboard.total : 0, { style: "percent", maximumFractionDigits: 1 }),
              },
            ]}
          />
        </section>

        {dashboard.recentActivity ? (
          <section aria-labelledby="activity-heading">
            <h2 id="activity-heading">{t("activityHeading")}</h2>
            <DataTable
              rows={dashboard.recentActivity}
              rowKey={(row) => row.id}
              empty={<p>{t("activityEmpty")}</p>}
              columns={[
                { header: t("when"), cell: (row) => <TimeStamp at={row.createdAt} format={format} options={{ dateStyle: "short", timeStyle: "short" }} /> },
                { header: t("who"), cell: (row) => (row.actorHidden ? <i>{t("typedEmailHidden")}</i> : row.actorEmail) },
                { header: t("what"), cell: (row) => <code>{row.action}</code> },
                { header: t("rows"), numeric: true, cell: (row) => row.rowCount ?? "" },
              ]}
            />
          </section>
        ) : null}
      </div>
    </>
  );
}
