import { getTranslations } from "next-intl/server";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps } from "@/lib/i18n/locale-page";
import { getConfig } from "@/server/config";
import { isAppError } from "@/server/errors";
import { getSignerSharing, type SignerSharing } from "@/server/sharing/referrals";
import { withdrawSignatureAction } from "../withdraw/withdraw-signature-action";

export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Referral", { titleKey: "myTitle", robots: { index: false, follow: false } });

/** The signer's private page, reached from their email: their link and how many signed through it. */
export default async function MyPage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Referral");
  const tWithdraw = await getTranslations("Withdraw");
  const token = readQueryParam(await searchParams, "token");
  let sharing: SignerSharing | undefined;
  if (token !== undefined) {
    try {
      sharing = getSignerSharing({ token });
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
  }
  return (
    <>
      <SiteHeader path="/my" />
      <main id="main" className="narrow">
        {sharing ? (
          <>
            <h1>{t("myTitle")}</h1>
            <p className="note">{t("myIntro")}</p>
            {sharing.isVerified ? (
              <p className="referral-count" data-testid="referral-count" data-count={sharing.signedThroughLink}>
                {t("countThrough", { count: sharing.signedThroughLink })}
              </p>
            ) : (
              <p>{t("notConfirmed")}</p>
            )}
            <SharePanel url={`${getConfig().appUrl}/${locale}?ref=${sharing.refCode}`} heading={t("personalHeading")} intro={t("personalIntro")} toolkitHref={`/${locale}/share`} />
            <section aria-labelledby="withdraw-heading">
              <h2 id="withdraw-heading">{tWithdraw("myHeading")}</h2>
              <p>{tWithdraw("myIntro")}</p>
              {/* The same action as the emailed link; it accepts this page's manage token. */}
              <form action={withdrawSignatureAction}>
                <input type="hidden" name="token" value={token} />
                <input type="hidden" name="locale" value={locale} />
                <button type="submit" className="button">
                  {tWithdraw("button")}
                </button>
              </form>
            </section>
          </>
        ) : (
          <>
            <h1>{t("invalidTitle")}</h1>
            <p className="lede">{t("invalidBody")}</p>
          </>
        )}
      </main>
    </>
  );
}
