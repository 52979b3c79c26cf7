import { getTranslations } from "next-intl/server";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { localePageMetadata, openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import { getConfig } from "@/server/config";

// Dynamic (it reads no data): the share link needs APP_URL as the server was started with.
export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Thanks", { robots: { index: false } });

export default async function ThanksPage({ params }: { params: LocaleParams }) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Thanks");
  const tShare = await getTranslations("Referral");
  return (
    <>
      <SiteHeader path="/thanks" />
      <main id="main" className="narrow">
        <h1>{t("title")}</h1>
        <p className="lede">{t("body")}</p>
        <p>{t("spam")}</p>
        <SharePanel url={`${getConfig().appUrl}/${locale}`} heading={tShare("shareHeading")} intro={tShare("thanksShareIntro")} toolkitHref={`/${locale}/share`} />
        <p>
          <a href={`/${locale}`}>{t("back")}</a>
        </p>
      </main>
    </>
  );
}
