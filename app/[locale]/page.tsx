import { getFormatter, getTranslations } from "next-intl/server";
import { SourceLinks } from "@/components/letter/SourceLinks";
import { CampaignCount } from "@/components/letter/CampaignCount";
import { SignForm, type RiskyEmailLabels, type SignFormLabels } from "@/components/sign/SignForm";
import { SiteHeader } from "@/components/site/SiteHeader";
import riskyEmailDomainsFile from "@/content/risky-email-domains.json";
import { listCountryOptions } from "@/lib/countries";
import { openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import { parseRiskyEmailDomains } from "@/lib/risky-email";
import { SIGN_ERROR_CODES } from "@/lib/schemas/sign-letter";
import { getCampaign } from "@/server/content/get-campaign";
import { getStats } from "@/server/stats/get-stats";
import { findAuthorChanges, findLatestUpdate } from "@/server/updates/find-updates";
import { describeUpdate, publicationLine } from "./updates/update-article";
import { signLetterAction } from "./sign-letter-action";

// Prerendered per locale and regenerated in the background at most every
// 10 s (ISR): the count in the HTML is fresh enough for readers without
// JavaScript, and no request renders this page from the database.
export const revalidate = 10;

// Read from content at build time; a malformed file fails the build.
const riskyEmailDomains = parseRiskyEmailDomains(riskyEmailDomainsFile);

export default async function LetterPage({ params }: { params: LocaleParams }) {
  const locale = await openLocalePage(params);

  const campaign = getCampaign(locale);
  const stats = getStats();
  const t = await getTranslations("Letter");
  const tForm = await getTranslations("SignForm");
  const tRisk = await getTranslations("RiskyEmail");
  const tAbuse = await getTranslations("Abuse");
  const format = await getFormatter();
  const tUpdates = await getTranslations("Updates");
  // Published updates only; a newly published one shows within seconds (its action revalidates this page).
  const latestUpdate = findLatestUpdate({ locale });
  const authorChanges = findAuthorChanges({ locale });
  const safetyHref = `/${locale}/safety`;
  const riskyEmailLabels: RiskyEmailLabels = {
    notice: tRisk("notice"),
    suggestion: tRisk("suggestion"),
    guidanceLink: tRisk("guidanceLink"),
    guidanceHref: safetyHref,
    held: tRisk("held"),
  };

  const labels: SignFormLabels = {
    name: tForm("name"),
    nameHint: tForm("nameHint"),
    email: tForm("email"),
    emailHint: tForm("emailHint"),
    country: tForm("country"),
    countryPlaceholder: tForm("countryPlaceholder"),
    city: tForm("city"),
    isPublicName: tForm("isPublicName"),
    isPublicNameHint: tForm("isPublicNameHint"),
    wantsUpdates: tForm("wantsUpdates"),
    acceptPrivacy: tForm.rich("acceptPrivacy", {
      link: (chunks) => (
        <a href={`/${locale}/privacy`} target="_blank" rel="noopener">
          {chunks}
        </a>
      ),
    }),
    submit: tForm("submit"),
    submitting: tForm("submitting"),
    errorSummary: tForm("errorSummary"),
    failed: tForm("failed"),
    rateLimited: tAbuse("rateLimited"),
    botCheckFailed: tAbuse("proofOfWorkFailed"),
    checkingBrowser: tAbuse("checkingBrowser"),
    honeypot: tAbuse("honeypot"),
    errors: Object.fromEntries(SIGN_ERROR_CODES.map((code) => [code, tForm(`errors.${code}`)])) as SignFormLabels["errors"],
  };
  const letter = campaign.letter;
  const publishedOn = format.dateTime(new Date(`${campaign.publishedOn}T12:00:00Z`), { dateStyle: "long" });

  return (
    <>
      <SiteHeader />
      <main id="main">
        <section className="hero" aria-labelledby="title">
          <h1 id="title">{campaign.title}</h1>
          <p className="lede">{campaign.lede}</p>
          <CampaignCount total={stats.total} goal={stats.goal} locale={locale} />
          <a className="button button--primary" href="#sign">
            {t("signCta")}
          </a>
        </section>

        {latestUpdate ? (
          <section className="latest-update" aria-labelledby="latest-update-heading">
            <h2 id="latest-update-heading">{tUpdates("latestHeading")}</h2>
            <p className="latest-update__title" lang={latestUpdate.textLocale}>
              <a href={`/${locale}/updates/${latestUpdate.slug}`}>{latestUpdate.title}</a>
            </p>
            <p className="update__meta">
              {tUpdates(`kind.${latestUpdate.kind}`)} · {publicationLine(tUpdates, format, latestUpdate)}
            </p>
            <p>
              <a href={`/${locale}/updates`}>{tUpdates("allUpdates")}</a>
            </p>
          </section>
        ) : null}

        <section className="demands" aria-labelledby="demands-heading">
          <h2 id="demands-heading">{t("demandsHeading")}</h2>
          <p className="section-intro">{campaign.demandsIntro}</p>
          <ol className="demand-list">
            {campaign.demands.map((demand, index) => (
              <li key={index} className="demand">
                <span className="demand__number" aria-hidden="true">
                  {index + 1}
                </span>
                <h3>{demand.title}</h3>
                <p>{demand.text}</p>
              </li>
            ))}
          </ol>
        </section>

        <div className="columns">
          <article className="letter" aria-labelledby="letter-heading" lang={letter.locale}>
            <h2 id="letter-heading" lang={locale}>
              {t("letterHeading")}
            </h2>
            <div className="letter__meta" lang={locale}>
              {letter.isFallback ? <p className="note">{t("fallbackNote")}</p> : null}
              <p>
                {t(`kind.${letter.kind}`)} {t("publishedOn", { date: publishedOn })}
              </p>
            </div>
            {/* The letter file's Markdown, rendered with safe defaults (raw HTML shown as text). */}
            <div className="letter__text" dangerouslySetInnerHTML={{ __html: letter.html }} />
            <footer className="letter__source" lang={locale}>
              {letter.source ? (
                <p>
                  <a href={letter.source.url} rel="noopener noreferrer">
                    {t("source", { publisher: letter.source.publisher })}
                  </a>
                </p>
              ) : null}
              {letter.translator ? <p>{t("translator", { translator: letter.translator })}</p> : null}
            </footer>
          </article>

          <aside className="sign" id="sign" aria-labelledby="sign-heading">
            <h2 id="sign-heading">{t("signHeading")}</h2>
            <p>{t("signIntro")}</p>
            {/* Also the way to the guidance without JavaScript, when the form cannot warn as it is filled in. */}
            <p>{tRisk.rich("intro", { link: (chunks) => <a href={safetyHref}>{chunks}</a> })}</p>
            {/* Without JavaScript there is no proof of work: say what checks the signature instead (decision 0011). */}
            <noscript>
              <p className="note">{tAbuse("noscript")}</p>
            </noscript>
            <SignForm
              action={signLetterAction}
              locale={locale}
              countries={listCountryOptions(locale)}
              labels={labels}
              riskyEmail={{ list: riskyEmailDomains, labels: riskyEmailLabels }}
            />
          </aside>
        </div>

        <section className="authors" aria-labelledby="authors-heading">
          <h2 id="authors-heading">{t("authorsHeading")}</h2>
          <p className="section-intro">{t("authorsIntro")}</p>
          <ul className="author-list">
            {campaign.signatories.map((person) => {
              const change = authorChanges.get(person.id);
              return (
                <li key={person.id} className="author">
                  <h3>{person.name}</h3>
                  <p>{person.bio}</p>
                  <SourceLinks label={t("sources", { count: person.sources.length })} sources={person.sources} />
                  {change ? (
                    <p className="author__change">
                      <strong>{describeUpdate(tUpdates, format, change, locale)}</strong>{" "}
                      <a href={`/${locale}/updates/${change.slug}`}>{tUpdates("authorCardLink")}</a>
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>

        <section className="context" aria-labelledby="context-heading">
          <h2 id="context-heading">{t("contextHeading")}</h2>
          {campaign.context.map((paragraph, index) => (
            <div key={index}>
              <p>{paragraph.text}</p>
              <SourceLinks label={t("sources", { count: paragraph.sources.length })} sources={paragraph.sources} />
            </div>
          ))}
        </section>
      </main>
    </>
  );
}
