import { getFormatter, getTranslations } from "next-intl/server";
import { WorldMap } from "@/components/signers/WorldMap";
import { SiteHeader } from "@/components/site/SiteHeader";
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
            {signers.length === 0 ? (
              <p>{t("empty")}</p>
            ) : (
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("country")}</th>
                    <th scope="col">{t("date")}</th>
                  </tr>
                </thead>
                <tbody>
                  {signers.map((signer) => (
                    <tr key={signer.id}>
                      <td dir="auto">{signer.name}</td>
                      <td>{getCountryName(signer.country, locale)}</td>
                      <td>
                        <time dateTime={new Date(signer.verifiedAt).toISOString()}>
                          {format.dateTime(new Date(signer.verifiedAt), { dateStyle: "medium" })}
                        </time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
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
            {countries.length === 0 ? (
              <p>{t("countriesEmpty")}</p>
            ) : (
              <table className="data-table" id="countries-table" aria-labelledby="countries-heading">
                <thead>
                  <tr>
                    <th scope="col">{t("country")}</th>
                    <th scope="col" className="numeric">
                      {t("total")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {countries.map((country) => (
                    <tr key={country.code}>
                      <td>{country.name}</td>
                      <td className="numeric">{format.number(country.count)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t("total")}</th>
                    <td className="numeric">{format.number(stats.total)}</td>
                  </tr>
                </tfoot>
              </table>
            )}
          </section>
        </div>
      </main>
    </>
  );
}
