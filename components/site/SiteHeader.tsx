import { getLocale, getTranslations } from "next-intl/server";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/**
 * Top bar with the navigation and the language switcher. Plain links, no
 * client JavaScript: `path` is the current page without its locale prefix,
 * so switching keeps the reader on the same page.
 */
export async function SiteHeader({ path = "", query = "" }: { path?: string; query?: string }) {
  const locale = await getLocale();
  const t = await getTranslations("Site");
  const tSafety = await getTranslations("Safety");
  return (
    <header className="site-header">
      <nav aria-label={t("name")} className="site-nav">
        <a href={`/${locale}`} className="site-name">
          {t("name")}
        </a>
        <ul>
          <li>
            <a href={`/${locale}#sign`}>{t("nav.sign")}</a>
          </li>
          <li>
            <a href={`/${locale}/signers`} aria-current={path === "/signers" ? "page" : undefined}>
              {t("nav.signers")}
            </a>
          </li>
          <li>
            <a href={`/${locale}/updates`} aria-current={path === "/updates" ? "page" : undefined}>
              {t("nav.updates")}
            </a>
          </li>
          <li>
            <a href={`/${locale}/share`} aria-current={path === "/share" ? "page" : undefined}>
              {t("nav.share")}
            </a>
          </li>
          <li>
            <a href={`/${locale}/privacy`} aria-current={path === "/privacy" ? "page" : undefined}>
              {t("nav.privacy")}
            </a>
          </li>
          <li>
            <a href={`/${locale}/safety`} aria-current={path === "/safety" ? "page" : undefined}>
              {tSafety("nav")}
            </a>
          </li>
        </ul>
      </nav>
      <nav aria-label={t("language")} className="language-switcher">
        <ul>
          {LOCALES.map((other) => (
            <li key={other}>
              <a
                href={`/${other}${path}${query}`}
                hrefLang={other}
                lang={other}
                aria-current={other === locale ? "true" : undefined}
              >
                {LOCALE_NAMES[other]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
