import "server-only";
import PDFDocument from "pdfkit";
import { createTranslator } from "use-intl/core";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";
import { SHIPPED_FONT_FILES } from "@/server/assets/shipped-fonts";
import { getCampaign } from "@/server/content/get-campaign";
import { formatShortLink, getCampaignUrl, getQrModules } from "./campaign-qr";

// A printable A4 poster of the campaign (decision 0009): the title, the
// demands, a QR code of the letter's link and the link in large type, for a
// notice board, a shop window or a rally sign. One page, always.

/** A4 in points. */
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 48;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

const ACCENT = "#7a1f1f";
const INK = "#1b1b1f";
const MUTED = "#4a4a55";
const PANEL = "#f3eee5";
const WHITE = "#ffffff";

/** The band across the top holding the site name. */
const BAND_HEIGHT = 64;
/** The panel across the bottom: QR code, call to action, link. */
const PANEL_HEIGHT = 196;
const PANEL_PADDING = 22;
const QR_BOX = PANEL_HEIGHT - 2 * PANEL_PADDING;
/** ISO 18004 asks for four modules of quiet zone; print gets all four. */
const QR_QUIET_MODULES = 4;
const FOOTER_HEIGHT = 44;
const PANEL_Y = PAGE_HEIGHT - FOOTER_HEIGHT - PANEL_HEIGHT;
const CONTENT_TOP = BAND_HEIGHT + 40;
const CONTENT_BOTTOM = PANEL_Y - 24;

/** Type sizes for the upper half, largest first: the first that fits is used. */
type Scale = { title: number; lede: number | null; heading: number; demandTitle: number; demandText: number | null; gap: number };
const SCALES: Scale[] = [
  { title: 32, lede: 12, heading: 15, demandTitle: 13, demandText: 10.5, gap: 11 },
  { title: 30, lede: null, heading: 15, demandTitle: 13, demandText: 10.5, gap: 11 },
  { title: 27, lede: null, heading: 14, demandTitle: 12, demandText: 9.5, gap: 9 },
  { title: 24, lede: null, heading: 13, demandTitle: 11, demandText: 8.5, gap: 7 },
  // Many or long demands: their titles only.
  { title: 24, lede: null, heading: 13, demandTitle: 11, demandText: null, gap: 6 },
];

/** Everything the poster prints, already in the reader's language. */
export type PosterText = {
  siteName: string;
  kicker: string;
  title: string;
  lede: string;
  demandsHeading: string;
  demands: { title: string; text: string }[];
  signCta: string;
  scanToSign: string;
  orVisit: string;
  note: string;
  url: string;
  shortLink: string;
};

/** The poster's text in `locale`: campaign content, Share messages, the link. */
export function getPosterText(locale: Locale, options: { appUrl?: string } = {}): PosterText {
  const campaign = getCampaign(locale);
  const t = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Share" });
  const tSite = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Site" });
  const url = getCampaignUrl(locale, options);
  return {
    siteName: tSite("name"),
    kicker: campaign.shortTitle,
    title: campaign.title,
    lede: campaign.lede,
    demandsHeading: t("demandsHeading"),
    demands: campaign.demands.map(({ title, text }) => ({ title, text })),
    signCta: t("signCta"),
    scanToSign: t("scanToSign"),
    orVisit: t("orVisit"),
    note: t("posterNote"),
    url,
    shortLink: formatShortLink(url),
  };
}

const posterCache = new Map<string, Promise<Buffer>>();

/**
 * The campaign poster in `locale` as an A4 PDF. Anyone may call it: it
 * holds only public campaign text and the public link. The poster depends
 * on nothing but the content files and the base URL, both fixed for the
 * life of the process, so each locale is rendered once.
 */
export function getCampaignPoster(locale: Locale, options: { appUrl?: string } = {}): Promise<Buffer> {
  const text = getPosterText(locale, options);
  const key = `${locale} ${text.url}`;
  let poster = posterCache.get(key);
  if (!poster) {
    poster = renderPosterPdf(locale, text);
    posterCache.set(key, poster);
    poster.catch(() => posterCache.delete(key));
  }
  return poster;
}

/**
 * Sets `text` on one A4 page. Exported for tests (any number and length of
 * demands still gives one page); routes call getCampaignPoster.
 */
export function renderPosterPdf(locale: Locale, text: PosterText): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: "A4",
    // No margins: every element is placed; nothing flows onto a second page.
    margin: 0,
    // The shipped DejaVu from the start: pdfkit would otherwise open Helvetica (no Cyrillic).
    font: SHIPPED_FONT_FILES.regular,
    lang: locale,
    displayTitle: true,
    info: { Title: text.title, Subject: text.scanToSign, Author: text.siteName, Creator: text.siteName },
  });
  pdf.registerFont("regular", SHIPPED_FONT_FILES.regular);
  pdf.registerFont("bold", SHIPPED_FONT_FILES.bold);

  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });

  drawBand(pdf, text);
  const scale = SCALES.find((candidate) => layOutUpperHalf(pdf, text, candidate, false) <= CONTENT_BOTTOM) ?? SCALES[SCALES.length - 1]!;
  layOutUpperHalf(pdf, text, scale, true);
  drawPanel(pdf, text);
  drawFooter(pdf, text);
  pdf.end();
  return done;
}

function drawBand(pdf: PDFKit.PDFDocument, text: PosterText): void {
  pdf.rect(0, 0, PAGE_WIDTH, BAND_HEIGHT).fill(ACCENT);
  const size = 15;
  pdf.font("bold").fontSize(size).fillColor(WHITE);
  pdf.text(text.siteName, MARGIN, centredTop(BAND_HEIGHT / 2, size), { lineBreak: false });
  // The campaign's short title, right-aligned in the band's right half.
  const kicker = text.kicker.toLocaleUpperCase();
  const kickerSize = 10.5;
  pdf.font("bold").fontSize(kickerSize).fillColor(WHITE, 0.85);
  pdf.text(kicker, MARGIN + CONTENT_WIDTH / 2, centredTop(BAND_HEIGHT / 2, kickerSize), {
    width: CONTENT_WIDTH / 2,
    height: pdf.currentLineHeight(),
    align: "right",
    characterSpacing: 1.5,
    ellipsis: true,
  });
  pdf.fillOpacity(1);
}

/**
 * Title, lede, demands. Measures (draw = false) or draws the upper half
 * with `scale` through one code path, so what was measured is what is
 * drawn; returns the y where it ends.
 */
function layOutUpperHalf(pdf: PDFKit.PDFDocument, text: PosterText, scale: Scale, draw: boolean): number {
  let y = CONTENT_TOP;
  const block = (content: string, font: "regular" | "bold", size: number, color: string, x: number, width: number, lineGap: number): number => {
    pdf.font(font).fontSize(size);
    const height = pdf.heightOfString(content, { width, lineGap });
    if (draw) pdf.fillColor(color).text(content, x, y, { width, lineGap });
    return height;
  };

  y += block(text.title, "bold", scale.title, INK, MARGIN, CONTENT_WIDTH, scale.title * 0.08);
  y += 14;
  if (draw) pdf.rect(MARGIN, y, 56, 4).fill(ACCENT);
  y += 4 + 16;
  if (scale.lede !== null) {
    y += block(text.lede, "regular", scale.lede, MUTED, MARGIN, CONTENT_WIDTH, scale.lede * 0.3);
    y += 18;
  }
  y += block(text.demandsHeading, "bold", scale.heading, ACCENT, MARGIN, CONTENT_WIDTH, 0);
  y += 10;

  const radius = scale.demandTitle * 0.95;
  const textX = MARGIN + 2 * radius + 12;
  const textWidth = PAGE_WIDTH - MARGIN - textX;
  text.demands.forEach((demand, index) => {
    if (index > 0) y += scale.gap;
    const titleTop = y;
    if (draw) {
      pdf.font("bold").fontSize(scale.demandTitle);
      const centreY = titleTop + pdf.currentLineHeight() / 2;
      pdf.circle(MARGIN + radius, centreY, radius).fill(ACCENT);
      const numberSize = scale.demandTitle * 0.9;
      pdf.font("bold").fontSize(numberSize).fillColor(WHITE);
      pdf.text(String(index + 1), MARGIN, centredTop(centreY, numberSize), { width: 2 * radius, align: "center", lineBreak: false });
    }
    y += block(demand.title, "bold", scale.demandTitle, INK, textX, textWidth, 0);
    if (scale.demandText !== null) {
      y += 2;
      y += block(demand.text, "regular", scale.demandText, MUTED, textX, textWidth, scale.demandText * 0.22);
    }
    // The number's circle is taller than a one-line title set without text.
    y = Math.max(y, titleTop + 2 * radius);
  });
  return y;
}

function drawPanel(pdf: PDFKit.PDFDocument, text: PosterText): void {
  pdf.roundedRect(MARGIN, PANEL_Y, CONTENT_WIDTH, PANEL_HEIGHT, 10).fill(PANEL);

  // The QR code as vector squares, in a white box whose border is the quiet zone.
  const qrX = MARGIN + PANEL_PADDING;
  const qrY = PANEL_Y + PANEL_PADDING;
  pdf.rect(qrX, qrY, QR_BOX, QR_BOX).fill(WHITE);
  const modules = getQrModules(text.url);
  const moduleSize = QR_BOX / (modules.size + 2 * QR_QUIET_MODULES);
  const origin = { x: qrX + QR_QUIET_MODULES * moduleSize, y: qrY + QR_QUIET_MODULES * moduleSize };
  for (let row = 0; row < modules.size; row += 1) {
    for (let column = 0; column < modules.size; ) {
      if (!modules.isDark(row, column)) {
        column += 1;
        continue;
      }
      let end = column;
      while (end < modules.size && modules.isDark(row, end)) end += 1;
      // One rectangle per run of dark modules; a hair taller than a module
      // so no viewer shows seams between rows.
      pdf.rect(origin.x + column * moduleSize, origin.y + row * moduleSize, (end - column) * moduleSize, moduleSize + 0.05);
      column = end;
    }
  }
  pdf.fill("#000000");
  pdf.link(qrX, qrY, QR_BOX, QR_BOX, text.url);

  // The call to action and the link, beside the code.
  const x = qrX + QR_BOX + 26;
  const width = MARGIN + CONTENT_WIDTH - PANEL_PADDING - x;
  let y = qrY + 6;
  pdf.font("bold").fontSize(fitSize(pdf, text.signCta, width, 26, 16)).fillColor(ACCENT);
  pdf.text(text.signCta, x, y, { width, lineGap: 1 });
  y = pdf.y + 6;
  pdf.font("regular").fontSize(13).fillColor(INK);
  pdf.text(text.scanToSign, x, y, { width, lineGap: 2 });

  // The link sits at the bottom of the panel, as large as its width allows.
  const linkSize = fitSize(pdf.font("bold"), text.shortLink, width, 24, 11);
  pdf.fontSize(linkSize);
  const linkHeight = pdf.heightOfString(text.shortLink, { width });
  const linkY = qrY + QR_BOX - linkHeight;
  pdf.font("regular").fontSize(11).fillColor(MUTED);
  pdf.text(text.orVisit, x, linkY - pdf.currentLineHeight(true) - 3, { width, lineBreak: false });
  pdf.font("bold").fontSize(linkSize).fillColor(INK);
  pdf.text(text.shortLink, x, linkY, { width, link: text.url });
}

function drawFooter(pdf: PDFKit.PDFDocument, text: PosterText): void {
  pdf.font("regular").fontSize(8.5).fillColor(MUTED);
  const height = pdf.heightOfString(text.note, { width: CONTENT_WIDTH, align: "center" });
  pdf.text(text.note, MARGIN, PAGE_HEIGHT - FOOTER_HEIGHT / 2 - height / 2, { width: CONTENT_WIDTH, align: "center" });
}

/** The largest size from `max` down to `min` (whole points) at which `content` fits `width` on one line, in the current font. */
function fitSize(pdf: PDFKit.PDFDocument, content: string, width: number, max: number, min: number): number {
  for (let size = max; size > min; size -= 1) {
    if (pdf.fontSize(size).widthOfString(content) <= width) return size;
  }
  return min;
}

/**
 * The y at which to set a line of DejaVu Sans of `size` so its capitals and
 * digits are centred on `centreY` (ascender 0.928 em, cap height 0.729 em).
 */
function centredTop(centreY: number, size: number): number {
  return centreY - (0.928 - 0.729 / 2) * size;
}
