import { hasLocale } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { LinkMessage, TokenButtonForm } from "@/components/site/LinkPage";
import { SiteHeader } from "@/components/site/SiteHeader";
import { routing } from "@/lib/i18n/routing";
import { getInternalMarkers, isInternalRequest, INTERNAL_REQUEST_HEADER } from "@/server/http/internal-request";
import { getConfirmationState } from "@/server/signatures/confirm-signature";
import { readLinkState } from "@/server/signatures/read-link-state";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  const t = await getTranslations({ locale: hasLocale(routing.locales, locale) ? locale : routing.defaultLocale, namespace: "Confirm" });
  return { title: t("title"), robots: { index: false } };
}

type Outcome = "ready" | "alreadyConfirmed" | "invalid" | "expired";

function readOutcome(token: string | undefined, problem: string | undefined): Outcome {
  if (problem === "expired") return "expired";
  return readLinkState(token, (given) => getConfirmationState({ token: given }));
}

export default async function ConfirmPage({
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
  const problem = typeof query.problem === "string" ? query.problem : undefined;
  // The front's template of the "ready" page (decision 0014): it fills in each signer's token.
  const isTemplate = isInternalRequest((await headers()).get(INTERNAL_REQUEST_HEADER)) && token === getInternalMarkers().token;
  const outcome = isTemplate ? "ready" : readOutcome(token, problem);
  const t = await getTranslations("Confirm");
  const switcherQuery = token && outcome === "ready" ? `?token=${encodeURIComponent(token)}` : "";

  return (
    <>
      <SiteHeader path="/confirm" query={switcherQuery} />
      <main id="main" className="narrow">
        {outcome === "ready" && token ? (
          <LinkMessage title={t("title")} body={t("body")}>
            {/* A plain form, with or without JavaScript: POST /api/v1/confirmations answers with a 303. */}
            <TokenButtonForm action="/api/v1/confirmations" token={token} locale={locale} label={t("button")} />
          </LinkMessage>
        ) : outcome === "alreadyConfirmed" ? (
          <LinkMessage title={t("alreadyTitle")} body={t("alreadyBody")} />
        ) : (
          <LinkMessage title={t(outcome === "expired" ? "expiredTitle" : "invalidTitle")} body={t(outcome === "expired" ? "expiredBody" : "invalidBody")}>
            <p>
              <a className="button" href={`/${locale}#sign`}>
                {t("signAgain")}
              </a>
            </p>
          </LinkMessage>
        )}
      </main>
    </>
  );
}
