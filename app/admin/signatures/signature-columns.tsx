import { getTranslations } from "next-intl/server";
import type { DataColumn } from "@/components/ui/DataTable";
import { getCountryName } from "@/lib/countries";
import type { Locale } from "@/lib/i18n/locales";
import type { SignatureStatus } from "@/lib/signature-lifecycle";

type ListedSignature = { id: number; name: string; email: string; country: string; status: SignatureStatus };

/**
 * The columns every list of signatures in the admin area shows (the search
 * and the bulk invalidation's sample): the name as typed, in its own
 * direction ("erased" once erased), the address (a dash once erased), the
 * country and the status, in the organizer's language. `linkName` links
 * each name to its signature's page.
 */
export async function signatureColumns<Row extends ListedSignature>(locale: Locale, options: { linkName: boolean }): Promise<DataColumn<Row>[]> {
  const t = await getTranslations({ locale, namespace: "Admin.moderation" });
  const tStatus = await getTranslations({ locale, namespace: "Admin.dashboard.statuses" });
  return [
    {
      header: t("name"),
      typedText: true,
      cell: (row) => (options.linkName ? <a href={`/admin/signatures/${row.id}`}>{row.name || t("erasedName")}</a> : row.name || t("erasedName")),
    },
    { header: t("email"), cell: (row) => row.email || "—" },
    { header: t("country"), cell: (row) => getCountryName(row.country, locale) },
    { header: t("status"), cell: (row) => tStatus(row.status) },
  ];
}
