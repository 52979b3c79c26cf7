import { getFormatter, getTranslations } from "next-intl/server";
import { ReasonField } from "@/components/admin/ReasonField";
import { getCountryName } from "@/lib/countries";
import { canChange } from "@/lib/signature-lifecycle";
import { can } from "@/server/auth/permissions";
import { getSignatureDetail } from "@/server/moderation/search-signatures";
import { getAdminLocale } from "../../admin-locale";
import { idFromParams, orNotFound, requireOrganizerPage, type RecordPageProps } from "../../guard";
import { invalidateSignatureAction, restoreSignatureAction } from "../actions";

export default async function SignatureDetailPage({ params, searchParams }: RecordPageProps) {
  const organizer = await requireOrganizerPage("seePersonalData");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.moderation" });
  const tStatus = await getTranslations({ locale, namespace: "Admin.dashboard.statuses" });
  const format = await getFormatter({ locale });
  const id = await idFromParams(params);
  const signature = orNotFound(() => getSignatureDetail({ actor: organizer, id }));
  const { error, done } = await searchParams;
  const moderates = can(organizer, "moderate");
  const date = (value: number | null) => (value ? format.dateTime(new Date(value), { dateStyle: "medium", timeStyle: "medium" }) : "—");
  const rows: [string, string][] = [
    [t("name"), signature.name || t("erasedName")],
    [t("email"), signature.email || "—"],
    [t("country"), getCountryName(signature.country, locale)],
    [t("city"), signature.city ?? "—"],
    [t("status"), tStatus(signature.status)],
    [t("publicName"), signature.isPublicName ? t("yes") : t("no")],
    [t("updates"), signature.wantsUpdates ? t("yes") : t("no")],
    [t("signedAt"), date(signature.createdAt)],
    [t("verifiedAt"), date(signature.verifiedAt)],
    [t("language"), signature.locale],
    [t("ipHash"), signature.ipHash ?? "—"],
    [t("invalidatedAt"), date(signature.invalidatedAt)],
    [t("reason"), signature.invalidationReason ?? "—"],
  ];
  return (
    <>
      <p>
        <a href="/admin/signatures">{t("back")}</a>
      </p>
      <h1 dir="auto">{signature.name || t("erasedName")}</h1>
      {typeof error === "string" ? (
        <p className="form-alert" role="alert">
          {t.has(`errors.${error}`) ? t(`errors.${error}`) : t("errors.invalid")}
        </p>
      ) : typeof done === "string" && (done === "invalidated" || done === "restored") ? (
        <p className="note" role="status">
          {t(`done.${done}`)}
        </p>
      ) : null}
      <dl className="detail-list">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd dir="auto">{value}</dd>
          </div>
        ))}
      </dl>
      {moderates && canChange("invalidate", signature.status) ? (
        <form action={invalidateSignatureAction} className="sign-form narrow-form">
          <input type="hidden" name="id" value={signature.id} />
          <ReasonField id="invalidate-reason" label={t("reasonLabel")} />
          <button type="submit" className="button button--primary">
            {t("invalidate")}
          </button>
        </form>
      ) : null}
      {moderates && canChange("restore", signature.status) ? (
        <form action={restoreSignatureAction}>
          <input type="hidden" name="id" value={signature.id} />
          <button type="submit" className="button">
            {t("restore")}
          </button>
        </form>
      ) : null}
    </>
  );
}
