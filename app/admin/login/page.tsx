import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/admin/LoginForm";
import { findCurrentOrganizer } from "@/server/auth/require-organizer";
import { getAdminLocale } from "../admin-locale";

export default async function AdminLoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await findCurrentOrganizer()) redirect("/admin");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.login" });
  const tAccount = await getTranslations({ locale, namespace: "Admin.account" });
  const { error } = await searchParams;
  const labels = {
    email: t("email"),
    password: t("password"),
    submit: t("submit"),
    submitting: t("submitting"),
    failed: t("failed"),
    rateLimited: t("rateLimited"),
    code: tAccount("loginCode"),
    codeHint: tAccount("loginCodeHint"),
    codeAsked: tAccount("loginCodeAsked"),
    codeWrong: tAccount("loginCodeWrong"),
  };
  return (
    <div className="narrow">
      <h1>{t("title")}</h1>
      <noscript>
        <p className="note">{t("needsJs")}</p>
      </noscript>
      <LoginForm labels={labels} initialError={error ? (error === "RateLimited" ? labels.rateLimited : labels.failed) : undefined} />
    </div>
  );
}
