import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { getConfig } from "@/server/config";
import { isAppError } from "@/server/errors";
import { getSignerSharing, type SignerSharing } from "@/server/sharing/referrals";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Referral" });
  return { title: t("myTitle"), robots: { index: false, follow: false } };
}

/** The signer's private page, reached from their email: their link and how many signed through it. */
export default async function MyPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations("Referral");
  const { token } = await searchParams;
  let sharing: SignerSharing | undefined;
  if (typeof token === "string") {
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
            <SharePanel url={`${getConfig().appUrl}/${locale}?ref=${sharing.refCode}`} heading={t("personalHeading")} intro={t("personalIntro")} />
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
