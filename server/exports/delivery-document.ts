import "server-only";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import PDFDocument from "pdfkit";
import { createTranslator } from "use-intl/core";
import { getDb, openReadOnlyDatabase, type AppDatabase } from "@/db/client";
import { getCountryName, isCountryCode } from "@/lib/countries";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getCampaign, type Campaign } from "@/server/content/get-campaign";
import { AppError } from "@/server/errors";
import { getStats } from "@/server/stats/get-stats";
import { exportFileTarget, hashStream, type HashedStreamEnd } from "./hash-stream";

// The document organizers hand to a parliament (demand 5): the letter, its
// demands, the numbers and the names of the signers who chose to be named.
// Streamed like the signatures CSV (decision 0008): names are read from a
// read-only connection and written into pdfkit as the client reads, so a
// document with a million names costs the same memory as one with ten.

/**
 * The only fonts the document uses (Latin and Cyrillic, shipped with the
 * app). pdfkit's built-in Helvetica has no Cyrillic: it is never loaded (the
 * document is created with DejaVu as its default font).
 */
const FONT_DIR = path.join(process.cwd(), "assets", "fonts");
const FONT_REGULAR = path.join(FONT_DIR, "DejaVuSans.ttf");
const FONT_BOLD = path.join(FONT_DIR, "DejaVuSans-Bold.ttf");

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

/**
 * pdfkit writes a page out when the next one starts; each pull writes names
 * until at least this much of the file is ready (a few pages), so a pull
 * always hands the reader something and the per-pull cost stays low.
 */
const MIN_CHUNK_BYTES = 32 * 1024;

type NamedSignerRow = [name: string, country: string, verifiedAt: number];

/**
 * The named signers' SELECT: verified signers who chose to show their name,
 * in the order they were confirmed. Exported for the query-plan test only.
 *
 * signatures_public_list_idx (status, is_public_name, verified_at, id) gives
 * the rows already in this order: the first name leaves without a sort,
 * whatever the number of signers.
 */
export function buildNamedSignersQuery(country: string | undefined): { sql: string; params: string[] } {
  return {
    sql:
      "SELECT name, country, verified_at FROM signatures INDEXED BY signatures_public_list_idx " +
      `WHERE status = 'verified' AND is_public_name = 1${country ? " AND country = ?" : ""} ORDER BY verified_at, id`,
    params: country ? [country] : [],
  };
}

/**
 * The connection names are read from: a separate read-only connection, as
 * for the signatures CSV (an open cursor blocks writes on its own
 * connection only; WAL keeps the reader's snapshot). An in-memory database
 * (tests) cannot be opened twice, so it is read on its own connection.
 */
function openReader(db: AppDatabase, databaseUrl: string | undefined): { db: AppDatabase; client: BetterSqlite3.Database; isSeparate: boolean; close: () => void } {
  if (databaseUrl === undefined && db.$client.memory) return { db, client: db.$client, isSeparate: false, close: () => undefined };
  const reader = openReadOnlyDatabase(databaseUrl ?? `file:${db.$client.name}`);
  return { db: reader, client: reader.$client, isSeparate: true, close: () => reader.$client.close() };
}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Streams the delivery document as an A4 PDF: the campaign title, the date
 * of delivery, the verified total (and the country's, when one is chosen),
 * the dates of the first and last confirmed signature, the five demands,
 * the letter with its label (original, published translation or
 * translation) and source, its authors, then every verified signer of that
 * country (or of all) who chose to show their name (name, country, date of
 * confirmation) and the number of those counted but not named.
 *
 * Admins, owners and the command line only: it holds names. Only public
 * names are printed; email addresses, cities and private names never enter
 * the document.
 *
 * Counters, dates and names come from one snapshot of the read-only
 * connection, so "N further signers" is exact. Headings are in `locale`;
 * the letter is the text getCampaign(locale) publishes, with its label.
 *
 * One `export.deliveryPdf` audit row ({ country, locale }, rowCount = names
 * printed) is written when the stream ends; a complete one names the file
 * and the SHA-256 of exactly the bytes sent, for the delivery manifest.
 */
export function createDeliveryDocument(options: {
  actor: Actor;
  /** ISO 3166-1 alpha-2; absent means every country. */
  country?: string;
  locale: Locale;
  db?: AppDatabase;
  databaseUrl?: string;
  now?: number;
}): { stream: ReadableStream<Uint8Array>; filename: string } {
  assertCan(options.actor, "exportPersonalData");
  const { actor, locale } = options;
  const country = options.country?.toUpperCase();
  // The code goes into the file name and the SQL parameters: only a real one.
  if (country !== undefined && !isCountryCode(country)) throw new AppError("INVALID", "countryInvalid", { country: "countryInvalid" });
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const filename = `delivery-${country ?? "all"}-${utcDay(now)}.pdf`;
  const campaign = getCampaign(locale);

  // Opened before the response starts, so a missing file or font is a 500, not a truncated 200.
  const reader = openReader(db, options.databaseUrl);
  let rows: IterableIterator<NamedSignerRow> | undefined;
  let isReleased = false;
  const release = () => {
    if (isReleased) return;
    isReleased = true;
    // Ending the iterator resets the statement before the connection closes
    // (closing also ends the snapshot's read transaction).
    rows?.return?.();
    reader.close();
  };

  let document: DeliveryPdf;
  try {
    // One read transaction: the counters, the date range and the names all
    // come from the same snapshot while signing goes on. Not on the main
    // connection (in-memory tests), where it would hold up writers.
    if (reader.isSeparate) reader.client.exec("BEGIN");
    const stats = getStats({ db: reader.db, now });
    const scopeTotal = country ? (stats.countries[country] ?? 0) : stats.total;
    const range = reader.client
      .prepare(`SELECT MIN(verified_at) AS first, MAX(verified_at) AS last FROM signatures WHERE status = 'verified'${country ? " AND country = ?" : ""}`)
      .get(...(country ? [country] : [])) as { first: number | null; last: number | null };
    const query = buildNamedSignersQuery(country);
    rows = reader.client.prepare(query.sql).raw(true).iterate(...query.params) as IterableIterator<NamedSignerRow>;
    document = new DeliveryPdf({ campaign, locale, country, now, total: stats.total, scopeTotal, range });
  } catch (error) {
    release();
    throw error;
  }
  const names = rows;

  const audit = (end: HashedStreamEnd) => {
    recordAudit(db, {
      actor: toAuditActor(actor),
      action: "export.deliveryPdf",
      ...(end.status === "complete" ? exportFileTarget(filename, end.sha256) : {}),
      details: {
        country: country ?? null,
        locale,
        ...(end.status === "complete" ? { bytes: end.bytes } : end.status === "cancelled" ? { aborted: true } : { aborted: true, failed: true }),
      },
      rowCount: document.namedCount,
      now,
    });
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // The front matter is already written: it leaves at once.
        document.drain(controller);
      },
      pull(controller) {
        try {
          // Write names until pdfkit has a few pages ready (or the list
          // ends): every pull enqueues something, or the reader would wait
          // for a pull that never comes.
          while (document.bufferedBytes < MIN_CHUNK_BYTES) {
            const next = names.next();
            if (next.done) {
              document.end();
              release();
              document.drain(controller);
              controller.close();
              return;
            }
            document.writeSigner(next.value);
          }
          document.drain(controller);
        } catch (error) {
          try {
            release();
          } finally {
            controller.error(error);
          }
        }
      },
      cancel() {
        release();
      },
    },
    // Two chunks (~64 KB) read ahead of the client at most.
    { highWaterMark: 2 },
  );

  // Audited when the hashed stream ends, before it closes: if the audit
  // cannot be written, the download fails instead of completing unrecorded.
  return { stream: hashStream(stream, audit), filename };
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
class DeliveryPdf {
  namedCount = 0;
  private readonly pdf: PDFKit.PDFDocument;
  private readonly t: DeliveryTranslator;
  private readonly scopeLabel: string;
  private readonly countryNames = new Map<string, string>();
  /** Heights of country cells, measured once per country (a few hundred at most). */
  private readonly countryHeights = new Map<string, number>();
  private pageNumber = 0;
  private style: StyleName = "body";

  constructor(private readonly input: {
    campaign: Campaign;
    locale: Locale;
    country: string | undefined;
    now: number;
    total: number;
    scopeTotal: number;
    range: { first: number | null; last: number | null };
  }) {
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
