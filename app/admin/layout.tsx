import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/admin/SignOutButton";
import { findCurrentOrganizer } from "@/server/auth/require-organizer";
import { ROLE_RANK } from "@/server/auth/actor";
import { getAdminLocale } from "./admin-locale";
import "../globals.css";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations({ locale: await getAdminLocale(), namespace: "Admin" });
  return { title: t("brand"), robots: { index: false, follow: false }, referrer: "same-origin" };
}

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin" });
  const tAccount = await getTranslations({ locale, namespace: "Admin.account" });
  const organizer = await findCurrentOrganizer();
  const rank = organizer ? ROLE_RANK[organizer.role] : 0;
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
                <li>
                  <a href="/admin">{t("nav.dashboard")}</a>
                </li>
                {rank >= ROLE_RANK.admin ? (
                  <li>
                    <a href="/admin/signatures">{t("nav.signatures")}</a>
                  </li>
                ) : null}
                <li>
                  <a href="/admin/exports">{t("nav.exports")}</a>
                </li>
                <li>
                  <a href="/admin/partners">{t("nav.partners")}</a>
                </li>
                <li>
                  <a href="/admin/updates">{t("nav.updates")}</a>
                </li>
                {rank >= ROLE_RANK.owner ? (
                  <>
                    <li>
                      <a href="/admin/organizers">{t("nav.organizers")}</a>
                    </li>
                    <li>
                      <a href="/admin/audit">{t("nav.audit")}</a>
                    </li>
                    <li>
                      <a href="/admin/maintenance">{t("nav.maintenance")}</a>
                    </li>
                  </>
                ) : null}
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
