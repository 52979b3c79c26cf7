import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { notFound } from "next/navigation";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { readLinkState } from "@/server/signatures/read-link-state";
import { getWithdrawalState } from "@/server/signatures/withdraw-signature";
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
  return readLinkState(token, (given) => getWithdrawalState({ token: given }));
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
        {outcome === "ready" ? (
          <>
            <h1>{t("title")}</h1>
            <p className="lede">{t("body")}</p>
            <form action={withdrawSignatureAction}>
              <input type="hidden" name="token" value={token} />
              <input type="hidden" name="locale" value={locale} />
              <button type="submit" className="button button--primary">
                {t("button")}
              </button>
            </form>
          </>
        ) : outcome === "done" ? (
          <>
            <h1>{t("doneTitle")}</h1>
            <p className="lede">{t("doneBody")}</p>
          </>
        ) : (
          <>
            <h1>{t(outcome === "expired" ? "expiredTitle" : "invalidTitle")}</h1>
            <p className="lede">{t(outcome === "expired" ? "expiredBody" : "invalidBody")}</p>
            <p>
              <a className="button" href={`/${locale}`}>
                {t("backToLetter")}
              </a>
            </p>
          </>
        )}
      </main>
    </>
  );
}
