import { getTranslations } from "next-intl/server";
import { getAdminLocale } from "./admin-locale";

export default async function AdminForbidden() {
  const t = await getTranslations({ locale: await getAdminLocale(), namespace: "Admin.forbidden" });
  return (
    <div className="narrow">
      <h1>{t("title")}</h1>
      <p>{t("body")}</p>
    </div>
  );
}
