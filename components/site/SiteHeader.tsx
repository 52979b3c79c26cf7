import { getLocale, getTranslations } from "next-intl/server";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/** The site's pages in the top bar (after "Sign", a link into the letter page), each marked as current on its own page. */
const SECTIONS = [
  { path: "/signers", label: "Site.nav.signers" },
  { path: "/updates", label: "Site.nav.updates" },
  { path: "/share", label: "Site.nav.share" },
  { path: "/privacy", label: "Site.nav.privacy" },
  { path: "/safety", label: "Safety.nav" },
] as const;

/**
 * Top bar with the navigation and the language switcher. Plain links, no
 * client JavaScript: `path` is the current page without its locale prefix,
 * so switching keeps the reader on the same page.
 */
export async function SiteHeader({ path = "", query = "" }: { path?: string; query?: string }) {
  const locale = await getLocale();
  const t = await getTranslations("Site");
  const tAll = await getTranslations();
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
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <a href={`/${locale}${section.path}`} aria-current={path === section.path ? "page" : undefined}>
                {tAll(section.label)}
              </a>
            </li>
          ))}
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
