import "server-only";
import PDFDocument from "pdfkit";
import { createTranslator } from "use-intl/core";
import { getCountryName } from "@/lib/countries";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";
import { SHIPPED_FONT_FILES } from "@/server/assets/shipped-fonts";
import type { Campaign } from "@/server/content/get-campaign";

// The layout of the delivery document (server/exports/delivery-document.ts
// streams it): an A4 PDF written with pdfkit, front matter first, then the
// list of names one row at a time, as the export hands them over.

// The document is created with DejaVu as its default font: pdfkit's
// built-in Helvetica (no Cyrillic) is never loaded.
const FONT_REGULAR = SHIPPED_FONT_FILES.regular;
const FONT_BOLD = SHIPPED_FONT_FILES.bold;

/** A4 in points, with margins that survive any printer's unprintable edge; the footer lives in the bottom margin. */
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 50;
const BOTTOM_MARGIN = 66;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const FOOTER_Y = PAGE_HEIGHT - 44;

const INK = "#111111";
const MUTED = "#555555";
const RULE = "#8c8c8c";
const ZEBRA = "#f0f0f0";

// Fonts are named by their path, the key pdfkit caches an opened font
// under. (An alias from registerFont is not cached when the same font is
// already open under another key: pdfkit would read and parse the 700 KB
// file again on every switch, that is, several times per name.)
type Style = { font: string; size: number; color: string };
const STYLES = {
  title: { font: FONT_BOLD, size: 19, color: INK },
  heading: { font: FONT_BOLD, size: 13, color: INK },
  body: { font: FONT_REGULAR, size: 10, color: INK },
  strong: { font: FONT_BOLD, size: 10, color: INK },
  note: { font: FONT_REGULAR, size: 8.5, color: MUTED },
  cell: { font: FONT_REGULAR, size: 8.5, color: INK },
  cellHead: { font: FONT_BOLD, size: 8.5, color: INK },
  footer: { font: FONT_REGULAR, size: 7.5, color: MUTED },
} satisfies Record<string, Style>;
type StyleName = keyof typeof STYLES;

const BODY_LINE_GAP = 2.5;

/** The list's columns: number (right-aligned, room for 7 digits), name, country, day (right-aligned). */
const COLUMN_GAP = 8;
const NUMBER_RIGHT = MARGIN + 38;
const NAME_X = NUMBER_RIGHT + COLUMN_GAP;
const DATE_RIGHT = PAGE_WIDTH - MARGIN;
const COUNTRY_WIDTH = 120;
const COUNTRY_X = DATE_RIGHT - 62 - COLUMN_GAP - COUNTRY_WIDTH;
const NAME_WIDTH = COUNTRY_X - COLUMN_GAP - NAME_X;
const ROW_PADDING = 2;

/**
 * Shaping (fontkit's OpenType layout) is nearly all of the list's cost.
 * pdfkit keeps the layout of every word it shapes, for good: right for what
 * repeats (headings, the letter, country names, days), a leak for what
 * does not (a hundred thousand names and row numbers). Text drawn with
 * `features` set bypasses that cache (and is shaped in one call, not one
 * per word; the features are the font's defaults either way), so unique
 * text uses these options and everything else the cached default.
 */
const UNIQUE_ONE_LINE = { lineBreak: false, features: [] } satisfies PDFKit.Mixins.TextOptions;
const UNIQUE_WRAPPED = { features: [] } satisfies PDFKit.Mixins.TextOptions;
const ONE_LINE = { lineBreak: false } satisfies PDFKit.Mixins.TextOptions;

/** One row of the list, as the export reads it: a named signer. */
export type NamedSignerRow = [name: string, country: string, verifiedAt: number];

/** What the front matter prints, all from one snapshot of the database. */
export type DeliveryPdfInput = {
  campaign: Campaign;
  locale: Locale;
  /** ISO 3166-1 alpha-2; absent means every country. */
  country: string | undefined;
  /** The date of delivery. */
  now: number;
  total: number;
  /** The verified total of the country, or `total`. */
  scopeTotal: number;
  /** When the first and the last counted signature were confirmed (null: none yet). */
  range: { first: number | null; last: number | null };
};

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function createDeliveryTranslator(locale: Locale) {
  return createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Admin.delivery" });
}
type DeliveryTranslator = ReturnType<typeof createDeliveryTranslator>;

/**
 * The document being written. pdfkit is a Node Readable that pushes every
 * byte as soon as it is written and ignores backpressure (its `_read` does
 * nothing), so Readable.toWeb alone would let the whole file pile up in
 * its buffer. Instead the web stream's pulls decide when names are
 * written, and `drain` takes what pdfkit has buffered (paused mode,
 * `read()`), a few pages at a time.
 */
export class DeliveryPdf {
  namedCount = 0;
  private readonly pdf: PDFKit.PDFDocument;
  private readonly t: DeliveryTranslator;
  private readonly scopeLabel: string;
  private readonly countryNames = new Map<string, string>();
  /** Heights of country cells, measured once per country (a few hundred at most). */
  private readonly countryHeights = new Map<string, number>();
  private pageNumber = 0;
  private style: StyleName = "body";

  /** Writes the front matter and the list's heading; the names follow through writeSigner. */
  constructor(private readonly input: DeliveryPdfInput) {
    const { campaign, locale, country, now } = input;
    this.t = createDeliveryTranslator(locale);
    this.scopeLabel = country ? this.t("countryLabel", { country: this.countryName(country) }) : this.t("scopeAll");
    this.pdf = new PDFDocument({
      size: "A4",
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: BOTTOM_MARGIN },
      // DejaVu from the start: pdfkit would otherwise open Helvetica (no Cyrillic).
      font: FONT_REGULAR,
      autoFirstPage: false,
      lang: locale,
      displayTitle: true,
      info: {
        Title: campaign.title,
        Subject: this.t("subject", { scope: this.scopeLabel }),
        Author: campaign.senderName,
        Creator: campaign.senderName,
        CreationDate: new Date(now),
      },
    });
    // Every page gets its footer when it starts, whoever starts it (pdfkit
    // itself when a paragraph runs over): no page buffering needed.
    this.pdf.on("pageAdded", () => this.onPageAdded());
    this.pdf.addPage();
    this.writeFrontMatter();
    this.startList();
  }

  /** Bytes pdfkit has produced that the reader has not taken yet. */
  get bufferedBytes(): number {
    return this.pdf.readableLength;
  }

  /** Hands everything pdfkit has produced so far to the web stream. */
  drain(controller: ReadableStreamDefaultController<Uint8Array>): void {
    for (let chunk: Buffer | null = this.pdf.read(); chunk !== null; chunk = this.pdf.read()) controller.enqueue(chunk);
  }

  /**
   * One row of the list. Shaping is nearly all the cost of a row (pdfkit
   * shapes a text three times: to measure, to encode, to advance), so the
   * country and the day, which repeat, come from pdfkit's layout cache, and
   * only a name too wide for its column is measured line by line.
   */
  writeSigner([rawName, country, verifiedAt]: NamedSignerRow): void {
    const pdf = this.pdf;
    this.namedCount += 1;
    // Stored names are already cleaned (no control characters); a line break would still break the row.
    const name = rawName.replace(/\s+/g, " ").trim();
    const countryName = this.countryName(country);
    this.use("cell");
    const lineHeight = pdf.currentLineHeight(true);
    // A name or country wider than its column wraps; only those are measured line by line.
    const nameFits = pdf.widthOfString(name, UNIQUE_ONE_LINE) <= NAME_WIDTH;
    const nameHeight = nameFits ? lineHeight : pdf.heightOfString(name, { ...UNIQUE_WRAPPED, width: NAME_WIDTH });
    let countryHeight = this.countryHeights.get(countryName);
    if (countryHeight === undefined) {
      countryHeight = pdf.widthOfString(countryName) <= COUNTRY_WIDTH ? lineHeight : pdf.heightOfString(countryName, { width: COUNTRY_WIDTH });
      this.countryHeights.set(countryName, countryHeight);
    }
    const rowHeight = Math.max(nameHeight, countryHeight) + 2 * ROW_PADDING;
    if (this.namedCount === 1) {
      // The column titles wait for the first name: an empty list has none.
      this.ensureSpace(3 * rowHeight);
      this.listHeader();
    } else if (pdf.y + rowHeight > this.maxY) {
      pdf.addPage();
      this.listHeader();
    }

    const top = pdf.y;
    if (this.namedCount % 2 === 0) {
      pdf.rect(MARGIN - 3, top, CONTENT_WIDTH + 6, rowHeight).fill(ZEBRA);
      this.use("cell");
    }
    const y = top + ROW_PADDING;
    const number = String(this.namedCount);
    pdf.text(number, NUMBER_RIGHT - pdf.widthOfString(number, UNIQUE_ONE_LINE), y, UNIQUE_ONE_LINE);
    pdf.text(name, NAME_X, y, nameFits ? UNIQUE_ONE_LINE : { ...UNIQUE_WRAPPED, width: NAME_WIDTH });
    pdf.text(countryName, COUNTRY_X, y, countryHeight > lineHeight ? { width: COUNTRY_WIDTH } : ONE_LINE);
    this.rightAligned(utcDay(verifiedAt), DATE_RIGHT, y);
    pdf.x = MARGIN;
    pdf.y = top + rowHeight;
  }

  /** The closing line, then the end of the file (pdfkit writes fonts and the cross-reference table). */
  end(): void {
    const pdf = this.pdf;
    if (this.namedCount === 0) this.paragraph(this.t("signersNone"), "body");
    if (this.input.scopeTotal > 0) {
      pdf.moveDown(0.8);
      this.ensureSpace(40);
      // From the same snapshot as the names: exact, unless the counters themselves are off.
      this.paragraph(this.t("unnamed", { count: Math.max(0, this.input.scopeTotal - this.namedCount) }), "strong");
    }
    pdf.end();
  }

  private get maxY(): number {
    return PAGE_HEIGHT - BOTTOM_MARGIN;
  }

  private use(name: StyleName): void {
    const style: Style = STYLES[name];
    this.style = name;
    this.pdf.font(style.font).fontSize(style.size).fillColor(style.color);
  }

  private countryName(code: string): string {
    let name = this.countryNames.get(code);
    if (name === undefined) {
      name = getCountryName(code, this.input.locale);
      this.countryNames.set(code, name);
    }
    return name;
  }

  private onPageAdded(): void {
    const pdf = this.pdf;
    this.pageNumber += 1;
    const resume = this.style;
    const title = this.input.campaign.shortTitle;
    this.use("footer");
    pdf.moveTo(MARGIN, FOOTER_Y - 6).lineTo(PAGE_WIDTH - MARGIN, FOOTER_Y - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    // lineBreak: false never starts a page, even below the bottom margin.
    pdf.text(this.t("footer", { title, scope: this.scopeLabel }), MARGIN, FOOTER_Y, ONE_LINE);
    const page = this.t("page", { page: this.pageNumber });
    pdf.text(page, PAGE_WIDTH - MARGIN - pdf.widthOfString(page, UNIQUE_ONE_LINE), FOOTER_Y, UNIQUE_ONE_LINE);
    pdf.x = MARGIN;
    pdf.y = MARGIN;
    // A paragraph running over continues in its own style on the new page.
    this.use(resume);
  }

  private ensureSpace(height: number): void {
    if (this.pdf.y + height > this.maxY) this.pdf.addPage();
  }

  /** Flowing text from the left margin (plus `left`), across the page unless `options.width` says otherwise; pdfkit starts pages as needed. */
  private paragraph(text: string, style: StyleName, options: PDFKit.Mixins.TextOptions = {}, left = 0): void {
    this.use(style);
    this.pdf.text(text, MARGIN + left, this.pdf.y, { width: CONTENT_WIDTH - left, lineGap: BODY_LINE_GAP, ...options });
  }

  private heading(text: string): void {
    const pdf = this.pdf;
    // A heading never ends a page: it keeps at least a few lines of its section with it.
    this.ensureSpace(70);
    if (pdf.y > MARGIN) pdf.moveDown(1.2);
    this.paragraph(text, "heading");
    pdf.moveDown(0.4);
  }

  private writeFrontMatter(): void {
    const pdf = this.pdf;
    const { campaign, locale, country, now, total, scopeTotal, range } = this.input;
    const t = this.t;
    const letterT = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Letter" });
    const longDate = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
    const numbers = new Intl.NumberFormat(locale);

    this.paragraph(campaign.title, "title");
    pdf.moveDown(0.3);
    this.paragraph(t("delivered", { date: longDate.format(now) }), "body", { lineGap: 0 });
    pdf.moveDown(1);

    // The figures, in a ruled box.
    const boxTop = pdf.y;
    pdf.y += 8;
    this.figure(t("totalLabel"), numbers.format(total));
    if (country) this.figure(this.scopeLabel, numbers.format(scopeTotal));
    pdf.moveDown(0.2);
    this.paragraph(
      range.first !== null && range.last !== null
        ? t("period", { from: longDate.format(range.first), to: longDate.format(range.last) })
        : t("periodNone"),
      "body",
      { width: CONTENT_WIDTH - 20 },
      10,
    );
    pdf.y += 6;
    pdf.rect(MARGIN, boxTop, CONTENT_WIDTH, pdf.y - boxTop).lineWidth(0.75).strokeColor(RULE).stroke();
    pdf.moveDown(0.8);
    this.paragraph(t("verificationNote"), "note");
    pdf.moveDown(0.3);
    this.paragraph(t("checksumNote"), "note");

    // The demands as the campaign words them (its introduction says they are shortened).
    this.heading(t("demandsHeading"));
    this.paragraph(campaign.demandsIntro, "note");
    pdf.moveDown(0.6);
    campaign.demands.forEach((demand, index) => {
      this.ensureSpace(50);
      const top = pdf.y;
      this.use("strong");
      pdf.text(`${index + 1}.`, MARGIN, top, ONE_LINE);
      this.paragraph(demand.title, "strong", {}, 22);
      pdf.moveDown(0.15);
      this.paragraph(demand.text, "body", {}, 22);
      pdf.moveDown(0.6);
    });

    // The letter with the site's own label: never a translation passed off as the authors' words.
    const letter = campaign.letter;
    this.heading(t("letterHeading"));
    this.paragraph(letterT(`kind.${letter.kind}`), "note");
    if (letter.isFallback) this.paragraph(letterT("fallbackNote"), "note");
    this.paragraph(letterT("publishedOn", { date: longDate.format(Date.parse(`${campaign.publishedOn}T12:00:00Z`)) }), "note");
    pdf.moveDown(0.6);
    for (const text of letter.paragraphs) {
      this.paragraph(text, "body", { align: "justify" });
      pdf.moveDown(0.5);
    }
    if (letter.source) {
      this.paragraph(t("source", { publisher: letter.source.publisher, url: letter.source.url }), "note", { link: letter.source.url });
    }
    if (letter.translator) this.paragraph(letterT("translator", { translator: letter.translator }), "note");

    this.heading(t("authorsHeading"));
    this.paragraph(letterT("authorsIntro"), "body");
    pdf.moveDown(0.5);
    this.use("body");
    const authors = campaign.signatories.map((person) => person.name);
    const perColumn = Math.ceil(authors.length / 2);
    const lineHeight = pdf.currentLineHeight(true) + BODY_LINE_GAP;
    this.ensureSpace(perColumn * lineHeight);
    const top = pdf.y;
    authors.forEach((name, index) => {
      const column = Math.floor(index / perColumn);
      pdf.text(name, MARGIN + column * (CONTENT_WIDTH / 2), top + (index % perColumn) * lineHeight, ONE_LINE);
    });
    pdf.x = MARGIN;
    pdf.y = top + perColumn * lineHeight;
  }

  private figure(label: string, value: string): void {
    const pdf = this.pdf;
    const top = pdf.y;
    const labelWidth = CONTENT_WIDTH - 20 - 120;
    this.use("body");
    pdf.text(label, MARGIN + 10, top, { width: labelWidth });
    const bottom = pdf.y;
    this.use("strong");
    pdf.text(value, MARGIN + 10 + labelWidth, top, { width: 120, align: "right" });
    pdf.x = MARGIN;
    pdf.y = Math.max(bottom, pdf.y) + 3;
  }

  /** The list starts on a page of its own, so the letter can be printed without it. */
  private startList(): void {
    const pdf = this.pdf;
    pdf.addPage();
    this.paragraph(this.t("signersHeading"), "heading");
    pdf.moveDown(0.2);
    this.paragraph(`${this.scopeLabel}. ${this.t("signersIntro")}`, "note");
    pdf.moveDown(0.6);
  }

  /** The column titles, repeated at the top of every page of the list. */
  private listHeader(): void {
    const pdf = this.pdf;
    this.use("cellHead");
    const y = pdf.y;
    // Numbers and dates are right-aligned, and so are their titles (a long
    // title then reaches into the gap on its left, never past the margin).
    this.rightAligned(this.t("columnNumber"), NUMBER_RIGHT, y);
    pdf.text(this.t("columnName"), NAME_X, y, ONE_LINE);
    pdf.text(this.t("columnCountry"), COUNTRY_X, y, ONE_LINE);
    this.rightAligned(this.t("columnDate"), DATE_RIGHT, y);
    const bottom = y + pdf.currentLineHeight(true) + 3;
    pdf.moveTo(MARGIN - 3, bottom).lineTo(PAGE_WIDTH - MARGIN + 3, bottom).lineWidth(0.75).strokeColor(INK).stroke();
    pdf.x = MARGIN;
    pdf.y = bottom + 2;
    this.use("cell");
  }

  /** One line of text that repeats (a title, a day) ending at `right`, from the layout cache. */
  private rightAligned(text: string, right: number, y: number): void {
    this.pdf.text(text, right - this.pdf.widthOfString(text), y, ONE_LINE);
  }
}
