import "server-only";
import { createTranslator } from "use-intl/core";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";

/** confirmReminder: the one reminder to confirm (decision 0022), a confirm link like the first, saying it is the only one. */
export const EMAIL_KINDS = ["confirm", "alreadySigned", "confirmReminder"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export type RenderedEmail = { subject: string; text: string; html: string };

/** For text placed in an email's HTML part. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

type EmailTranslator = ReturnType<typeof createTranslator<(typeof MESSAGE_CATALOGS)[Locale], "Email">>;
// One translator per locale for the life of the process: it keeps its compiled
// messages, which a new translator per email would compile again on every signature.
const translators = new Map<Locale, EmailTranslator>();
function emailTranslator(locale: Locale): EmailTranslator {
  let t = translators.get(locale);
  if (!t) {
    t = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Email" });
    translators.set(locale, t);
  }
  return t;
}

/**
 * What is one signer's own in their email: their name, its links, and how
 * long its confirm link lasts. The sender renders the email from them
 * (decision 0026): the name from the outbox, the links made as it claims
 * the email (decision 0029).
 */
export type SignerEmailValues = {
  name: string;
  /** The link the email exists for (confirm, or the letter page). */
  actionUrl: string;
  /** The signer's private page (confirmation emails). */
  manageUrl?: string;
  /** The two-click withdrawal link every email ends with. */
  withdrawUrl: string;
  expiresInDays: number;
};

/** What the outbox keeps of a signer's email until it is sent: the name. Its links are made when it is sent (decision 0029). */
export type QueuedSignerEmail = Pick<SignerEmailValues, "name">;
/** The rest of a signer's email, made when the sender claims it (server/signatures/issue-signer-links.ts). */
export type SignerEmailLinks = Omit<SignerEmailValues, "name">;

/** A signer's email's subject: the same for every email of a kind and language. */
export function signerEmailSubject(kind: EmailKind, locale: Locale): string {
  return emailTranslator(locale)(`${kind}.subject`);
}

type EmailOptions = SignerEmailValues & {
  kind: EmailKind;
  locale: Locale;
  campaignTitle: string;
};

/** Renders through the translator: the reference, and the maker of each template. */
function renderDirectly(options: EmailOptions): RenderedEmail {
  const t = emailTranslator(options.locale);
  const values = { name: options.name, title: options.campaignTitle, days: options.expiresInDays };
  const subject = t(`${options.kind}.subject`);
  const manage = options.kind === "confirm" && options.manageUrl ? { intro: t("confirm.manage"), url: options.manageUrl } : undefined;
  const lines = [
    t("greeting", values),
    t(`${options.kind}.body`, values),
    options.actionUrl,
    t(`${options.kind}.after`, values),
    t("notYou"),
    t("signature"),
  ];
  const textLines = manage ? [...lines.slice(0, 4), manage.intro, manage.url, ...lines.slice(4)] : lines;
  const withdrawLine = t("withdrawLine");
  const text = [...textLines, withdrawLine, options.withdrawUrl].join("\n\n");
  const html = [
    "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem\">",
    `<p>${escapeHtml(lines[0]!)}</p>`,
    `<p>${escapeHtml(lines[1]!)}</p>`,
    `<p><a href="${escapeHtml(options.actionUrl)}">${escapeHtml(t(`${options.kind}.button`))}</a></p>`,
    `<p style="font-size:0.9em;color:#444">${escapeHtml(options.actionUrl)}</p>`,
    `<p>${escapeHtml(lines[3]!)}</p>`,
    manage ? `<p>${escapeHtml(manage.intro)}<br><a href="${escapeHtml(manage.url)}">${escapeHtml(manage.url)}</a></p>` : "",
    `<p style="font-size:0.9em;color:#444">${escapeHtml(lines[4]!)}</p>`,
    `<p>${escapeHtml(lines[5]!)}</p>`,
    `<p style="font-size:0.85em;color:#444">${escapeHtml(withdrawLine)}<br><a href="${escapeHtml(options.withdrawUrl)}">${escapeHtml(options.withdrawUrl)}</a></p>`,
    "</body></html>",
  ].join("");
  return { subject, text, html };
}

// The signer's name and three links are the only per-signature parts of an
// email: each (kind, locale, title, days, manage link or not) is rendered
// once with markers in their place, and later emails fill the markers
// (decision 0013). The markers are private-use characters, which neither
// the translator nor escapeHtml changes; user text is inserted after the
// split, so it is never searched for markers itself.
const SLOTS = ["name", "actionUrl", "manageUrl", "withdrawUrl"] as const;
type Slot = (typeof SLOTS)[number];
const marker = (index: number) => `\uE000${index}\uE001`;
const MARKER_PATTERN = /\uE000(\d)\uE001/;

/** A rendered text cut at its markers: even entries are fixed text, odd entries slot indexes. */
type Template = (string | number)[];
type EmailTemplates = { subject: Template; text: Template; html: Template };

function cutAtMarkers(rendered: string): Template {
  return rendered.split(MARKER_PATTERN).map((part, index) => (index % 2 === 1 ? Number(part) : part));
}

function fill(template: Template, values: readonly string[]): string {
  let out = "";
  for (const part of template) out += typeof part === "number" ? values[part]! : part;
  return out;
}

const templates = new Map<string, EmailTemplates>();
const MAX_TEMPLATES = 256;

function templatesFor(options: EmailOptions): EmailTemplates {
  const hasManage = options.kind === "confirm" && Boolean(options.manageUrl);
  const key = JSON.stringify([options.kind, options.locale, options.campaignTitle, options.expiresInDays, hasManage]);
  let found = templates.get(key);
  if (!found) {
    const markers = Object.fromEntries(SLOTS.map((slot, index) => [slot, marker(index)])) as Record<Slot, string>;
    const rendered = renderDirectly({ ...options, ...markers, manageUrl: hasManage ? markers.manageUrl : undefined });
    found = { subject: cutAtMarkers(rendered.subject), text: cutAtMarkers(rendered.text), html: cutAtMarkers(rendered.html) };
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(key, found);
  }
  return found;
}

/**
 * Renders a signer's email in their language. Subjects stay neutral: they
 * never quote the letter, because an inbox list can be seen by others.
 * Every email ends with the signer's withdrawal link.
 */
export function renderSignatureEmail(options: EmailOptions): RenderedEmail {
  const found = templatesFor(options);
  const plain = [options.name, options.actionUrl, options.manageUrl ?? "", options.withdrawUrl];
  const escaped = plain.map(escapeHtml);
  return { subject: fill(found.subject, plain), text: fill(found.text, plain), html: fill(found.html, escaped) };
}

/** For the test that proves templates and direct rendering give the same email. */
export const renderSignatureEmailDirectly = renderDirectly;
