import { getTranslations } from "next-intl/server";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps } from "@/lib/i18n/locale-page";
import { getConfig } from "@/server/config";
import { isAppError } from "@/server/errors";
import { getSignerUpdates, type SignerUpdates } from "@/server/mailings/unsubscribe";
import { getSignerSharing, type SignerSharing } from "@/server/sharing/referrals";
import { withdrawSignatureAction } from "../withdraw/withdraw-signature-action";
import { setUpdatesAction } from "./updates-action";

export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Referral", { titleKey: "myTitle", robots: { index: false, follow: false } });

/** The signer's private page, reached from their email: their link and how many signed through it. */
export default async function MyPage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Referral");
  const tWithdraw = await getTranslations("Withdraw");
  const tUpdates = await getTranslations("Unsubscribe.my");
  const query = await searchParams;
  const token = readQueryParam(query, "token");
  const changed = readQueryParam(query, "updates");
  let sharing: SignerSharing | undefined;
  let updates: SignerUpdates | undefined;
  if (token !== undefined) {
    try {
      sharing = getSignerSharing({ token });
      updates = getSignerUpdates({ token });
    } catch (error) {
      if (!isAppError(error)) throw error;
      sharing = undefined;
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
            {updates ? (
              <section aria-labelledby="updates-heading">
                <h2 id="updates-heading">{tUpdates("heading")}</h2>
                {changed === "on" || changed === "off" ? (
                  <p className="note" role="status">
                    {tUpdates(changed === "on" ? "savedOn" : "savedOff")}
                  </p>
                ) : null}
                <p data-testid="updates-state" data-wants-updates={updates.wantsUpdates}>
                  {tUpdates(updates.wantsUpdates ? "on" : "off")}
                </p>
                {updates.isUndeliverable ? <p className="note">{tUpdates("undeliverable")}</p> : null}
                <p className="hint">{tUpdates("hint")}</p>
                <form action={setUpdatesAction}>
                  <input type="hidden" name="token" value={token} />
                  <input type="hidden" name="locale" value={locale} />
                  <input type="hidden" name="updates" value={updates.wantsUpdates && !updates.isUndeliverable ? "off" : "on"} />
                  <button type="submit" className="button">
                    {tUpdates(updates.wantsUpdates && !updates.isUndeliverable ? "turnOff" : "turnOn")}
                  </button>
                </form>
              </section>
            ) : null}
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
