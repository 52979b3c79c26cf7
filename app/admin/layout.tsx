import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/admin/SignOutButton";
import { findCurrentOrganizer } from "@/server/auth/require-organizer";
import { can, type Capability } from "@/server/auth/permissions";
import { getAdminLocale } from "./admin-locale";
import "../globals.css";

export const dynamic = "force-dynamic";

/** The admin area's sections, each shown to those who may open it (its page asks the same capability). */
const SECTIONS = [
  { href: "/admin", label: "nav.dashboard", capability: "readTotals" },
  { href: "/admin/signatures", label: "nav.signatures", capability: "seePersonalData" },
  { href: "/admin/exports", label: "nav.exports", capability: "readTotals" },
  { href: "/admin/partners", label: "nav.partners", capability: "readTotals" },
  { href: "/admin/updates", label: "nav.updates", capability: "readUpdates" },
  { href: "/admin/organizers", label: "nav.organizers", capability: "manageOrganizers" },
  { href: "/admin/audit", label: "nav.audit", capability: "readAuditLog" },
  { href: "/admin/maintenance", label: "nav.maintenance", capability: "maintain" },
] as const satisfies readonly { href: string; label: `nav.${string}`; capability: Capability }[];

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations({ locale: await getAdminLocale(), namespace: "Admin" });
  return { title: t("brand"), robots: { index: false, follow: false }, referrer: "same-origin" };
}

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin" });
  const tAccount = await getTranslations({ locale, namespace: "Admin.account" });
  const organizer = await findCurrentOrganizer();
  return (
    <html lang={locale}>
      <body className="admin">
        <header className="site-header">
          <nav aria-label={t("title")} className="site-nav">
            <a href="/admin" className="site-name">
              {t("brand")}
            </a>
            {organizer ? (
              <ul>
                {SECTIONS.filter((section) => can(organizer, section.capability)).map((section) => (
                  <li key={section.href}>
                    <a href={section.href}>{t(section.label)}</a>
                  </li>
                ))}
                <li>
                  <a href="/admin/account">{tAccount("navLink")}</a>
                </li>
                <li>
                  <a href={`/${locale}`}>{t("nav.publicSite")}</a>
                </li>
              </ul>
            ) : null}
          </nav>
          {organizer ? (
            <div className="admin-user">
              <span>{t("signedInAs", { email: organizer.email, role: t(`roles.${organizer.role}`) })}</span>
              <SignOutButton label={t("nav.signOut")} />
            </div>
          ) : null}
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
