import { getLocale, getTranslations } from "next-intl/server";

export default async function NotFound() {
  const locale = await getLocale();
  const t = await getTranslations("Site");
  return (
    <main id="main" className="narrow">
      <h1>{t("notFoundTitle")}</h1>
      <p>{t("notFoundBody")}</p>
      <p>
        <a href={`/${locale}`}>{t("backToLetter")}</a>
      </p>
    </main>
  );
}
