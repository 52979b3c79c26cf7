import "server-only";
import { createTranslator } from "use-intl/core";
import { getCountryName } from "@/lib/countries";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";
import { escapeHtml, type RenderedEmail } from "@/server/mail/render-email";
import { pickUpdateText } from "@/server/mailings/mailing-content";
import type { Digest } from "./build-digest";

/**
 * The organizer's daily digest as an email in `locale`: plain lines, the
 * same in the text and HTML parts, with links to the dashboard and to the
 * account page where it is turned off. The subject names only the date.
 */
export function renderDigestEmail(options: { digest: Digest; locale: Locale; appUrl: string }): RenderedEmail {
  const { digest, locale, appUrl } = options;
  const t = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Email.digest" });
  const number = new Intl.NumberFormat(locale);
  const n = (value: number) => number.format(value);
  const date = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(Date.parse(`${digest.day}T00:00:00Z`));

  /** Paragraphs; a paragraph given as an array is a heading and its lines. */
  const blocks: (string | { heading: string; lines: string[] })[] = [
    t("intro", { date }),
    `${t("newVerified", { count: n(digest.newVerified) })} ${t("total", { allVerified: n(digest.total), goal: n(digest.goal) })}`,
  ];
  if (digest.countries.length > 0) {
    const lines = digest.countries.map((row) => t("country", { country: getCountryName(row.code, locale), added: n(row.added), total: n(row.total) }));
    if (digest.otherCountries.count > 0) lines.push(t("otherCountries", { count: digest.otherCountries.count, added: n(digest.otherCountries.added) }));
    blocks.push({ heading: t("countriesHeading"), lines });
  }
  if (digest.bursts) {
    const { flagged, networks, emailDomains } = digest.bursts;
    blocks.push({ heading: t("burstsHeading"), lines: [flagged === 0 ? t("burstsNone") : t("bursts", { flagged: n(flagged), networks: n(networks), domains: n(emailDomains) })] });
  }
  if (digest.mailings) {
    const lines = digest.mailings.map((mailing) =>
      t("mailing", { title: pickUpdateText(mailing.content, locale)?.text.title ?? "", state: mailing.state, sent: n(mailing.sent), remaining: n(mailing.remaining) }),
    );
    blocks.push({ heading: t("mailingsHeading"), lines: lines.length > 0 ? lines : [t("mailingsNone")] });
  }
  const links = [
    { intro: t("dashboard"), url: `${appUrl}/admin` },
    { intro: t("why"), url: `${appUrl}/admin/account` },
  ];

  const text = [
    ...blocks.map((block) => (typeof block === "string" ? block : [block.heading, ...block.lines.map((line) => `- ${line}`)].join("\n"))),
    ...links.map((link) => `${link.intro}\n${link.url}`),
  ].join("\n\n");
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem">',
    ...blocks.map((block) =>
      typeof block === "string"
        ? `<p>${escapeHtml(block)}</p>`
        : `<h2 style="font-size:1.05em">${escapeHtml(block.heading)}</h2><ul>${block.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>`,
    ),
    ...links.map((link) => `<p style="font-size:0.9em;color:#444">${escapeHtml(link.intro)}<br><a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a></p>`),
    "</body></html>",
  ].join("");
  return { subject: t("subject", { date }), text, html };
}
