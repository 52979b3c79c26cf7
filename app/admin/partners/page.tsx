import { getFormatter, getTranslations } from "next-intl/server";
import { FormSection } from "@/components/admin/FormSection";
import { DataTable } from "@/components/ui/DataTable";
import { TextField } from "@/components/ui/TextField";
import { can } from "@/server/auth/permissions";
import { getConfig } from "@/server/config";
import { listPartnerCodes } from "@/server/sharing/referrals";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";
import { createPartnerCodeAction } from "./actions";

const KNOWN_ERRORS = new Set(["partnerCodeInvalid", "partnerLabelRequired", "partnerCodeTaken", "forbidden"]);

export default async function PartnersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requireOrganizerPage("readTotals");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.partners" });
  const format = await getFormatter({ locale });
  const { error, done } = await searchParams;
  const codes = listPartnerCodes({ actor: organizer });
  const appUrl = getConfig().appUrl;
  return (
    <>
      <h1>{t("title")}</h1>
      <p className="lede">{t("intro")}</p>
      {typeof error === "string" ? (
        <p className="form-alert" role="alert">
          {t(`errors.${KNOWN_ERRORS.has(error) ? error : "invalid"}`)}
        </p>
      ) : done === "created" ? (
        <p className="note" role="status">
          {t("created")}
        </p>
      ) : null}
      <DataTable
        rows={codes}
        rowKey={(row) => row.code}
        empty={<p>{t("empty")}</p>}
        columns={[
          { header: t("label"), cell: (row) => row.label },
          { header: t("link"), cell: (row) => <code>{`${appUrl}/${locale}?ref=${row.code}`}</code> },
          { header: t("verified"), numeric: true, cell: (row) => format.number(row.verified) },
        ]}
      />
      {can(organizer, "managePartnerCodes") ? (
        <FormSection id="new-partner" heading={t("createHeading")} action={createPartnerCodeAction} submitLabel={t("create")} primary>
          <TextField id="partner-label" label={t("label")} name="label" type="text" required maxLength={100} />
          <TextField id="partner-code" label={t("code")} hint={t("codeHint")} name="code" type="text" required pattern="[a-z0-9\-]{3,40}" />
        </FormSection>
      ) : null}
    </>
  );
}
