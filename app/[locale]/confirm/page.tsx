import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { EmailLinkPage, type EmailLinkOutcome } from "@/components/site/LinkPage";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps } from "@/lib/i18n/locale-page";
import { getInternalMarkers, isInternalRequest, INTERNAL_REQUEST_HEADER } from "@/server/http/internal-request";
import { getConfirmationState } from "@/server/signatures/confirm-signature";
import { readLinkState } from "@/server/signatures/read-link-state";

export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Confirm", { robots: { index: false } });

function readOutcome(token: string | undefined, problem: string | undefined): EmailLinkOutcome {
  if (problem === "expired") return "expired";
  const state = readLinkState(token, (given) => getConfirmationState({ token: given }));
  return state === "alreadyConfirmed" ? "finished" : state;
}

export default async function ConfirmPage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const query = await searchParams;
  const token = readQueryParam(query, "token");
  // The front's template of the "ready" page (decision 0014): it fills in each signer's token.
  const isTemplate = isInternalRequest((await headers()).get(INTERNAL_REQUEST_HEADER)) && token === getInternalMarkers().token;
  const t = await getTranslations("Confirm");
  return (
    <EmailLinkPage
      path="/confirm"
      namespace="Confirm"
      locale={locale}
      token={token}
      outcome={isTemplate ? "ready" : readOutcome(token, readQueryParam(query, "problem"))}
      // A plain form, with or without JavaScript: POST /api/v1/confirmations answers with a 303.
      action="/api/v1/confirmations"
      finished={{ title: t("alreadyTitle"), body: t("alreadyBody") }}
      next={{ href: `/${locale}#sign`, label: t("signAgain") }}
    />
  );
}
