import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { SharePanel } from "@/components/share/SharePanel";
import { SiteHeader } from "@/components/site/SiteHeader";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps } from "@/lib/i18n/locale-page";
import { getConfig } from "@/server/config";
import { isAppError } from "@/server/errors";
import { getInternalMarkers, isInternalRequest, INTERNAL_REQUEST_HEADER } from "@/server/http/internal-request";
import { getSignerSharing } from "@/server/sharing/referrals";

// Dynamic: the share link uses APP_URL (read at start) and the signer's own code.
export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Confirmed", { robots: { index: false } });

function findRefCode(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    return getSignerSharing({ token, purpose: "confirm" }).refCode;
  } catch (error) {
    if (isAppError(error)) return undefined;
    throw error;
  }
}

export default async function ConfirmedPage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const t = await getTranslations("Confirmed");
  const tShare = await getTranslations("Referral");
  const token = readQueryParam(await searchParams, "token");
  // The front's template of this page (decision 0014): it fills in each signer's ref code.
  const markers = getInternalMarkers();
  const isTemplate = isInternalRequest((await headers()).get(INTERNAL_REQUEST_HEADER)) && token === markers.token;
  const refCode = isTemplate ? markers.refCode : findRefCode(token);
  const campaignUrl = `${getConfig().appUrl}/${locale}`;
  return (
    <>
      <SiteHeader path="/confirmed" />
      <main id="main" className="narrow">
        <h1>{t("title")}</h1>
        <p className="lede">{t("body")}</p>
        {refCode ? (
          <SharePanel url={`${campaignUrl}?ref=${refCode}`} heading={tShare("personalHeading")} intro={tShare("personalIntro")} toolkitHref={`/${locale}/share`} />
        ) : (
          <SharePanel url={campaignUrl} heading={tShare("shareHeading")} toolkitHref={`/${locale}/share`} />
        )}
        <p>
          <a href={`/${locale}`}>{t("back")}</a>
        </p>
      </main>
    </>
  );
}
