import { getFormatter, getTranslations } from "next-intl/server";
import { WorldMap } from "@/components/signers/WorldMap";
import { SiteHeader } from "@/components/site/SiteHeader";
import { DataTable } from "@/components/ui/DataTable";
import { TimeStamp } from "@/components/ui/TimeStamp";
import { getCountryName } from "@/lib/countries";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps } from "@/lib/i18n/locale-page";
import { listPublicSigners } from "@/server/signatures/list-public-signers";
import { getStats } from "@/server/stats/get-stats";
import { renderWorldMap } from "@/server/stats/world-map";

export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Signers");

export default async function SignersPage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const cursor = readQueryParam(await searchParams, "after");
  const { signers, nextCursor } = listPublicSigners({ cursor, limit: 50 });
  const stats = getStats();
  const t = await getTranslations("Signers");
  const format = await getFormatter();
  const countries = Object.entries(stats.countries)
    .map(([code, count]) => ({ code, count, name: getCountryName(code, locale) }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, locale));
  const tMap = await getTranslations("Map");
  // Drawn once per minute per set of counts (server/stats/world-map.ts), not per request.
  const worldMap = countries.length > 0 ? renderWorldMap({ counts: stats.countries, locale }) : undefined;

  return (
    <>
      <SiteHeader path="/signers" />
      <main id="main">
        <h1>{t("title")}</h1>
        <p className="lede">{t("intro")}</p>
        {worldMap ? (
          <section aria-labelledby="map-heading">
            <h2 id="map-heading">{tMap("label")}</h2>
            <WorldMap
              svg={worldMap.svg}
              legend={worldMap.legend}
              legendTitle={tMap("legendTitle")}
              note={tMap.rich("tableNote", { link: (chunks) => <a href="#countries-table">{chunks}</a> })}
            />
          </section>
        ) : null}
        <div className="columns columns--even">
          <section aria-labelledby="signers-heading">
            <h2 id="signers-heading">{t("listHeading")}</h2>
            <DataTable
              rows={signers}
              rowKey={(signer) => signer.id}
              empty={<p>{t("empty")}</p>}
              columns={[
                { header: t("name"), typedText: true, cell: (signer) => signer.name },
                { header: t("country"), cell: (signer) => getCountryName(signer.country, locale) },
                { header: t("date"), cell: (signer) => <TimeStamp at={signer.verifiedAt} format={format} options={{ dateStyle: "medium" }} /> },
              ]}
            />
            <nav className="pager" aria-label={t("listHeading")}>
              {cursor ? <a href={`/${locale}/signers`}>{t("first")}</a> : null}
              {nextCursor ? (
                <a href={`/${locale}/signers?after=${encodeURIComponent(nextCursor)}`} rel="next">
                  {t("more")}
                </a>
              ) : null}
            </nav>
          </section>
          <section aria-labelledby="countries-heading">
            <h2 id="countries-heading">{t("countriesHeading")}</h2>
            <DataTable
              id="countries-table"
              labelledBy="countries-heading"
              rows={countries}
              rowKey={(country) => country.code}
              empty={<p>{t("countriesEmpty")}</p>}
              columns={[
                { header: t("country"), cell: (country) => country.name },
                { header: t("total"), numeric: true, cell: (country) => format.number(country.count) },
              ]}
              footer={
                <tr>
                  <th scope="row">{t("total")}</th>
                  <td className="numeric">{format.number(stats.total)}</td>
                </tr>
              }
            />
          </section>
        </div>
      </main>
    </>
  );
}
