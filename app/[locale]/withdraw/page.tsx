import { getTranslations } from "next-intl/server";
import { EmailLinkPage, type EmailLinkOutcome } from "@/components/site/LinkPage";
import { localePageMetadata, openLocalePage, readQueryParam, type LocalePageProps, type SearchParams } from "@/lib/i18n/locale-page";
import { readLinkState } from "@/server/signatures/read-link-state";
import { getWithdrawalState, WITHDRAWING_PURPOSES } from "@/server/signatures/withdraw-signature";
import { withdrawSignatureAction } from "./withdraw-signature-action";

export const dynamic = "force-dynamic";

export const generateMetadata = localePageMetadata("Withdraw", { robots: { index: false, follow: false } });

function readOutcome(token: string | undefined, query: SearchParams): EmailLinkOutcome {
  if (query.done === "1") return "finished";
  if (query.problem === "expired") return "expired";
  // Every link that can withdraw (the action accepts the same), an update email's included.
  return readLinkState(token, (given) => getWithdrawalState({ token: given, purposes: WITHDRAWING_PURPOSES }));
}

/** The link every email ends with: opening it changes nothing; only the button (a POST) withdraws. */
export default async function WithdrawPage({ params, searchParams }: LocalePageProps) {
  const locale = await openLocalePage(params);
  const query = await searchParams;
  const token = readQueryParam(query, "token");
  const t = await getTranslations("Withdraw");
  return (
    <EmailLinkPage
      path="/withdraw"
      namespace="Withdraw"
      locale={locale}
      token={token}
      outcome={readOutcome(token, query)}
      action={withdrawSignatureAction}
      finished={{ title: t("doneTitle"), body: t("doneBody") }}
      next={{ href: `/${locale}`, label: t("backToLetter") }}
    />
  );
}
