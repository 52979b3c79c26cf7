import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { openLocalePage, type LocaleParams } from "@/lib/i18n/locale-page";
import "../embed.css";

/**
 * The minimal document for widgets that partner sites frame: no site header,
 * no footer, its own small stylesheet. Reached as `/embed/<widget>?locale=xx`
 * (next.config.js rewrites that to `/embed/xx/<widget>`, so each locale is one
 * cacheable page). next.config.js lets any origin frame `/embed/*` and no
 * other path.
 */
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export const metadata: Metadata = {
  // The widget is not a page of its own: search engines should index the letter.
  robots: { index: false, follow: true },
  referrer: "same-origin",
};

export default async function EmbedLayout({ children, params }: { children: ReactNode; params: LocaleParams }) {
  const locale = await openLocalePage(params);
  return (
    <html lang={locale}>
      <body className="embed">{children}</body>
    </html>
  );
}
