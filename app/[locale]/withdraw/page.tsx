import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { LinkMessage, TokenButtonForm } from "@/components/site/LinkPage";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { readLinkState } from "@/server/signatures/read-link-state";
import { getWithdrawalState, WITHDRAWING_PURPOSES } from "@/server/signatures/withdraw-signature";
import { withdrawSignatureAction } from "./withdraw-signature-action";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Withdraw" });
  return { title: t("title"), robots: { index: false, follow: false } };
}

type Outcome = "ready" | "done" | "invalid" | "expired";

function readOutcome(token: string | undefined, query: Record<string, string | string[] | undefined>): Outcome {
  if (query.done === "1") return "done";
  if (query.problem === "expired") return "expired";
  // Every link that can withdraw (the action accepts the same), an update email's included.
  return readLinkState(token, (given) => getWithdrawalState({ token: given, purposes: WITHDRAWING_PURPOSES }));
}

/** The link every email ends with: opening it changes nothing; only the button (a POST) withdraws. */
export default async function WithdrawPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const query = await searchParams;
  const token = typeof query.token === "string" ? query.token : undefined;
  const outcome = readOutcome(token, query);
  const t = await getTranslations("Withdraw");
  const switcherQuery = token && outcome === "ready" ? `?token=${encodeURIComponent(token)}` : "";

  return (
    <>
      <SiteHeader path="/withdraw" query={switcherQuery} />
      <main id="main" className="narrow">
        {outcome === "ready" && token ? (
          <LinkMessage title={t("title")} body={t("body")}>
            <TokenButtonForm action={withdrawSignatureAction} token={token} locale={locale} label={t("button")} />
          </LinkMessage>
        ) : outcome === "done" ? (
          <LinkMessage title={t("doneTitle")} body={t("doneBody")} />
        ) : (
          <LinkMessage title={t(outcome === "expired" ? "expiredTitle" : "invalidTitle")} body={t(outcome === "expired" ? "expiredBody" : "invalidBody")}>
            <p>
              <a className="button" href={`/${locale}`}>
                {t("backToLetter")}
              </a>
            </p>
          </LinkMessage>
        )}
      </main>
    </>
  );
}
