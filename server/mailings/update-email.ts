import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { domainToASCII } from "node:url";
import addressparser from "nodemailer/lib/addressparser";
import MimeNode from "nodemailer/lib/mime-node";
import { createTranslator } from "use-intl/core";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";
import { renderMarkdown } from "@/server/content/render-markdown";
import { pickUpdateText, type MailingContent } from "./mailing-content";

/** Where a mail provider posts RFC 8058's one-click unsubscribe (and a person's GET is sent on to the page). */
export const ONE_CLICK_UNSUBSCRIBE_PATH = "/api/v1/unsubscribe";

export const unsubscribePageUrl = (appUrl: string, locale: Locale, token: string) => `${appUrl}/${locale}/unsubscribe?token=${token}`;
export const oneClickUnsubscribeUrl = (appUrl: string, locale: Locale, token: string) =>
  `${appUrl}${ONE_CLICK_UNSUBSCRIBE_PATH}?locale=${locale}&token=${token}`;

function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

// The token is the only part of an update email that differs between two
// signers of one language (decision 0022): each locale is rendered once per
// mailing with this marker in its place, and every email is the fixed parts
// joined by the signer's token. Tokens are base64url, safe in a URL and in
// HTML as they are. Private-use characters, which no translation or
// Markdown rendering produces.
const TOKEN_MARKER = "\uE000token\uE001";

/** An update email in one language: the fixed text around the recipient's token (`parts.join(token)`). */
export type UpdateEmailTemplate = { locale: Locale; subject: string; text: string[]; html: string[] };

/**
 * Renders an update's email for signers who read `locale` (the update's own
 * text in that language, or the default one with a note). The subject is
 * neutral: an inbox list can be seen by others, so it never names the
 * campaign or quotes the update (the title is the body's first line).
 */
export function renderUpdateEmail(options: { content: MailingContent; locale: Locale; appUrl: string; senderName: string; campaignTitle: string }): UpdateEmailTemplate {
  const picked = pickUpdateText(options.content, options.locale);
  if (!picked) throw new Error("an update without any text cannot be emailed");
  const t = createTranslator({ locale: options.locale, messages: MESSAGE_CATALOGS[options.locale], namespace: "Email" });
  const { appUrl, locale } = options;
  const updateUrl = `${appUrl}/${picked.locale}/updates/${encodeURIComponent(options.content.slug)}`;
  const unsubscribeUrl = unsubscribePageUrl(appUrl, locale, TOKEN_MARKER);
  const withdrawUrl = `${appUrl}/${locale}/withdraw?token=${TOKEN_MARKER}`;
  const fallbackNote = picked.isFallback ? t("update.notTranslated") : null;
  const why = t("update.why", { title: options.campaignTitle });

  const text = [
    ...(fallbackNote ? [fallbackNote] : []),
    picked.text.title,
    picked.text.body.trim(),
    `${t("update.readOnSite")}:\n${updateUrl}`,
    `-- \n${why}`,
    `${t("update.unsubscribeLine")}\n${unsubscribeUrl}`,
    `${t("withdrawLine")}\n${withdrawUrl}`,
    t("signature"),
  ].join("\n\n");

  const small = 'style="font-size:0.85em;color:#444"';
  const html = [
    `<!doctype html><html lang="${picked.locale}"><head><meta charset="utf-8"><title>${escapeHtml(picked.text.title)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem">',
    fallbackNote ? `<p ${small}>${escapeHtml(fallbackNote)}</p>` : "",
    `<h1 style="font-size:1.4em">${escapeHtml(picked.text.title)}</h1>`,
    // Safe Markdown (decision 0021): raw HTML is shown as text, dangerous links lose their href.
    renderMarkdown(picked.text.body),
    `<p><a href="${escapeHtml(updateUrl)}">${escapeHtml(t("update.readOnSite"))}</a></p>`,
    '<hr style="border:0;border-top:1px solid #ccc">',
    `<p ${small}>${escapeHtml(why)}</p>`,
    `<p ${small}>${escapeHtml(t("update.unsubscribeLine"))}<br><a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(t("update.unsubscribeButton"))}</a></p>`,
    `<p ${small}>${escapeHtml(t("withdrawLine"))}<br><a href="${escapeHtml(withdrawUrl)}">${escapeHtml(withdrawUrl)}</a></p>`,
    `<p>${escapeHtml(t("signature"))}</p>`,
    "</body></html>",
  ].join("");

  return {
    locale,
    subject: t("update.subject", { sender: options.senderName }),
    text: text.split(TOKEN_MARKER),
    html: html.split(TOKEN_MARKER),
  };
}

/** The filled-in email of one signer (tests and the test send read it as plain text). */
export function fillUpdateEmail(template: UpdateEmailTemplate, token: string): { subject: string; text: string; html: string } {
  return { subject: template.subject, text: template.text.join(token), html: template.html.join(token) };
}

/** One signer's message, ready for the SMTP transport as it is. */
export type ComposedMessage = { envelope: { from: string; to: string }; raw: string; messageId: string };

export type UpdateMessageComposer = {
  compose(recipient: { address: string; signatureId: number; token: string; locale: Locale }): ComposedMessage;
};

// ASCII placeholders in the header block MimeNode builds once per locale;
// each message puts the recipient's values in their place.
const TO_PLACEHOLDER = "recipient@placeholder.invalid";
const MESSAGE_ID_PLACEHOLDER = "<message-id@placeholder.invalid>";
const TOKEN_PLACEHOLDER = "TOKENPLACEHOLDERc6a1f0";
const HEADER_SLOTS = new RegExp(`(${[TO_PLACEHOLDER, MESSAGE_ID_PLACEHOLDER, TOKEN_PLACEHOLDER].map((p) => p.replace(/[.<>@]/g, "\\$&")).join("|")})`);

/** Base64 in 76-character lines, as MIME asks. */
function base64Lines(value: string): string {
  const encoded = Buffer.from(value, "utf8").toString("base64");
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 76) lines.push(encoded.slice(start, start + 76));
  return lines.join("\r\n");
}

/** To header and envelope: an internationalised domain goes out as its ASCII (punycode) form. */
function asciiAddress(address: string): string {
  const at = address.lastIndexOf("@");
  const domain = address.slice(at + 1);
  if (/^[\x21-\x7e]+$/.test(domain)) return address;
  return `${address.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

/**
 * Builds the raw messages of one mailing (decision 0022): per locale, the
 * header block is made once by nodemailer's MimeNode (encoded words,
 * folding, the multipart boundary) with placeholders for the recipient's
 * address, Message-ID and token, and each message fills those in and
 * base64-encodes its two bodies. Composing a message through nodemailer
 * for every recipient cost ~1 ms of CPU each; this costs tens of µs, so a
 * fan-out does not take the sign path's CPU (bench/RESULTS.md).
 *
 * Message-IDs are an HMAC of the signature id under the mailing's random
 * key: the same for every attempt at one recipient (a repeat after a crash
 * can be recognised), saying nothing about the signer.
 */
export function createUpdateMessageComposer(options: {
  templates: Partial<Record<Locale, UpdateEmailTemplate>>;
  /** The From header as MAIL_FROM and the sender name make it: `"Name" <address>`. */
  from: string;
  messageKey: string;
  appUrl: string;
  /** When the Date header says it was written (default: now). */
  date?: Date;
}): UpdateMessageComposer {
  const domain = new URL(options.appUrl).hostname || "localhost";
  const [fromAddress] = addressparser(options.from, { flatten: true });
  const envelopeFrom = fromAddress?.address ?? options.from;
  const date = options.date ?? new Date();
  const built = new Map<Locale, { header: string[]; boundary: string; text: string[]; html: string[] }>();

  const build = (template: UpdateEmailTemplate) => {
    const root = new MimeNode("multipart/alternative", { newline: "\r\n", baseBoundary: randomBytes(12).toString("hex") });
    root.setHeader({
      from: options.from,
      to: TO_PLACEHOLDER,
      subject: template.subject,
      date,
      "message-id": MESSAGE_ID_PLACEHOLDER,
      "list-unsubscribe": `<${oneClickUnsubscribeUrl(options.appUrl, template.locale, TOKEN_PLACEHOLDER)}>`,
      "list-unsubscribe-post": "List-Unsubscribe=One-Click",
    });
    return { header: root.buildHeaders().split(HEADER_SLOTS), boundary: String(root.boundary), text: template.text, html: template.html };
  };

  return {
    compose(recipient) {
      let locale = built.get(recipient.locale);
      if (!locale) {
        const template = options.templates[recipient.locale];
        if (!template) throw new Error(`no update email rendered for ${recipient.locale}`);
        locale = build(template);
        built.set(recipient.locale, locale);
      }
      const to = asciiAddress(recipient.address);
      const messageId = `<${createHmac("sha256", options.messageKey).update(String(recipient.signatureId)).digest("hex").slice(0, 32)}@${domain}>`;
      let header = "";
      for (const part of locale.header) {
        header += part === TO_PLACEHOLDER ? to : part === MESSAGE_ID_PLACEHOLDER ? messageId : part === TOKEN_PLACEHOLDER ? recipient.token : part;
      }
      const partHead = (type: string) => `--${locale.boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n`;
      const raw =
        `${header}\r\n\r\n` +
        `${partHead("text/plain")}${base64Lines(locale.text.join(recipient.token))}\r\n` +
        `${partHead("text/html")}${base64Lines(locale.html.join(recipient.token))}\r\n` +
        `--${locale.boundary}--\r\n`;
      return { envelope: { from: envelopeFrom, to }, raw, messageId };
    },
  };
}
