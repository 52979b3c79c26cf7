import { getTranslations } from "next-intl/server";
import { LinkMessage, TokenButtonForm } from "@/components/site/LinkPage";
import { SiteHeader } from "@/components/site/SiteHeader";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps } from "@/lib/i18n/locale-page";
import { LINK_TOKEN_SHAPE } from "@/lib/schemas/confirm-signature";
import { unsubscribeAction } from "./unsubscribe-action";

export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Unsubscribe", { robots: { index: false, follow: false } });

/**
 * The link in every update email (decision 0022). Opening it changes
 * nothing (mail scanners open links): it shows one button, and offers to
 * withdraw the signature instead. The page is the same for every token,
 * valid, unknown, expired or malformed, and so is the page after the
 * button: nobody can learn from them whether an address is subscribed.
 */
export default async function UnsubscribePage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const query = await searchParams;
  const given = readQueryParam(query, "token");
  const token = given !== undefined && LINK_TOKEN_SHAPE.test(given) ? given : "";
  const t = await getTranslations("Unsubscribe");
  const isDone = readQueryParam(query, "done") === "1";
  return (
    <>
      <SiteHeader path="/unsubscribe" query={token && !isDone ? `?token=${token}` : ""} />
      <main id="main" className="narrow">
        {isDone ? (
          <LinkMessage title={t("doneTitle")} body={t("doneBody")}>
            <p>
              <a className="button" href={`/${locale}`}>
                {t("backToLetter")}
              </a>
            </p>
          </LinkMessage>
        ) : (
          <>
            <LinkMessage title={t("title")} body={t("body")}>
              <TokenButtonForm action={unsubscribeAction} token={token} locale={locale} label={t("button")} />
            </LinkMessage>
            <section aria-labelledby="withdraw-instead">
              <h2 id="withdraw-instead">{t("withdrawHeading")}</h2>
              <p>{t("withdrawIntro")}</p>
              <p>
                <a href={`/${locale}/withdraw${token ? `?token=${token}` : ""}`}>{t("withdrawLink")}</a>
              </p>
            </section>
          </>
        )}
      </main>
    </>
  );
}
