import { layoutDailyChart, niceMax } from "./daily-chart";

// Charts for the press kit: standalone SVG documents a journalist can drop
// into an article or open in an editor, and that the server rasterises to
// PNG with sharp (librsvg). Pure string building, no DOM and no React, so
// the same code could draw a preview in the browser.
//
// librsvg ignores @font-face, so text is drawn with whatever fontconfig
// finds for "DejaVu Sans" (server/exports/press-kit.ts points fontconfig at
// the shipped assets/fonts). Widths of text are estimated from DejaVu Sans'
// average advances: good enough to size columns and wrap the source line.

const FONT_FAMILY = "'DejaVu Sans', sans-serif";

const COLOR = {
  background: "#ffffff",
  ink: "#1f1f24",
  muted: "#55535e",
  grid: "#e7e4dd",
  axis: "#9d998f",
  brand: "#7a1f1f",
  bar: "#c2807a",
} as const;

/** Space kept clear on the left and right edges of every chart. */
const MARGIN_X = 48;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

// Characters XML 1.0 cannot hold at all, not even escaped (control
// characters, lone surrogates, U+FFFE/U+FFFF): one of them in a country
// name or a title would make the whole document unreadable.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Makes any text safe inside an XML element or a quoted attribute: escapes
 * `& < > " '` and drops characters XML cannot contain. Titles and country
 * names come from content and translations, so every piece of text in a
 * chart goes through here.
 */
export function escapeXml(text: string): string {
  return text.replace(XML_FORBIDDEN, "").replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

// Average advances of DejaVu Sans in em, measured per class of characters
// from assets/fonts/DejaVuSans.ttf (bold is about 12 % wider).
const NARROW = /[.,:;'’!|()\-fijlrtIJ\u0456\u0457]/;
const WIDE = /[mwMWжшщыюЖШЩЫЮфФмМ—…]/;

/**
 * Roughly how wide `text` is in DejaVu Sans at `fontSize` px: within a few
 * per cent for Latin and Cyrillic, which is what we draw. Enough to size the
 * name column, shrink a title and wrap the source line without measuring.
 */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let ems = 0;
  for (const char of text) {
    if (char === " " || char === "\u00A0") ems += 0.318;
    else if (char === "\u202F") ems += 0.2;
    else if (/[0-9]/.test(char)) ems += 0.636;
    else if (NARROW.test(char)) ems += 0.33;
    else if (WIDE.test(char)) ems += 0.9;
    else if (/\p{Lu}/u.test(char)) ems += /[A-Z]/.test(char) ? 0.69 : 0.74;
    else if (/[\u0400-\u04FF]/.test(char)) ems += 0.62;
    else ems += 0.6;
  }
  return ems * fontSize * (bold ? 1.12 : 1);
}

/** Cuts `text` to fit `maxWidth`, ending with "…" when something was cut. */
function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  if (estimateTextWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 1 && estimateTextWidth(`${chars.join("").trimEnd()}…`, fontSize, bold) > maxWidth) chars.pop();
  return `${chars.join("").trimEnd()}…`;
}

/** The largest font size from `preferred` down to `minimum` at which `text` fits on one line. */
function fitFontSize(text: string, preferred: number, minimum: number, maxWidth: number, bold = false): number {
  let size = preferred;
  while (size > minimum && estimateTextWidth(text, size, bold) > maxWidth) size -= 1;
  return size;
}

/** Splits `text` at spaces into lines no wider than `maxWidth` (a single long word stays whole). */
function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && estimateTextWidth(candidate, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A y axis for counts up to `max`: a step of 1, 2 or 5 × 10^n (niceMax of a
 * fifth of the range) giving 3 to 6 ticks, and the top at the first step at
 * or above `max`, so the largest value fills most of the height (55,627
 * gets 0–60,000, not 0–100,000). Whole numbers only: half a signature is
 * not a tick.
 */
export function niceScale(max: number): { top: number; ticks: number[] } {
  const step = Math.max(1, niceMax(max / 5));
  const top = Math.max(step, Math.ceil(max / step) * step);
  return { top, ticks: Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step) };
}

/** Rounds a coordinate to 0.1 px: shorter documents, no visible difference. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

type TextOptions = {
  x: number;
  y: number;
  size: number;
  fill?: string;
  anchor?: "start" | "middle" | "end";
  bold?: boolean;
};

function text(content: string, options: TextOptions): string {
  const attributes = [
    `x="${px(options.x)}"`,
    `y="${px(options.y)}"`,
    `font-size="${options.size}"`,
    `fill="${options.fill ?? COLOR.ink}"`,
    options.anchor && options.anchor !== "start" ? `text-anchor="${options.anchor}"` : "",
    options.bold ? `font-weight="bold"` : "",
  ].filter(Boolean);
  return `<text ${attributes.join(" ")}>${escapeXml(content)}</text>`;
}

type Frame = { title: string; subtitle: string; sourceLine: string; description: string; locale: string; width: number; height: number };

/**
 * The parts every press chart shares: the document element with its
 * accessible name and description, a white background, the title and
 * subtitle on top and the source line at the bottom. Returns where the
 * chart itself may draw (`top` to `bottom`).
 */
function frame(options: Frame): { open: string; close: string; top: number; bottom: number } {
  const { width, height } = options;
  // 3 % kept spare: text widths are estimates.
  const maxWidth = (width - 2 * MARGIN_X) * 0.97;
  const titleSize = fitFontSize(options.title, 34, 22, maxWidth, true);
  const subtitleSize = fitFontSize(options.subtitle, 20, 15, maxWidth);
  // A little smaller rather than wrapped; wrapped rather than cut short (up to three lines).
  const sourceSize = fitFontSize(options.sourceLine, 15, 14, maxWidth);
  const wrapped = wrapText(options.sourceLine, sourceSize, maxWidth);
  const sourceLines = wrapped.length <= 3 ? wrapped : [...wrapped.slice(0, 2), fitText(wrapped.slice(2).join(" "), sourceSize, maxWidth)];
  const sourceLineHeight = 20;
  const sourceTop = height - 26 - (sourceLines.length - 1) * sourceLineHeight;
  const ruleY = sourceTop - 26;
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" xml:lang="${escapeXml(options.locale)}" font-family="${FONT_FAMILY}">`,
    `<title id="chart-title">${escapeXml(options.title)}</title>`,
    `<desc id="chart-desc">${escapeXml(options.description)}</desc>`,
    `<rect width="${width}" height="${height}" fill="${COLOR.background}"/>`,
    text(fitText(options.title, titleSize, maxWidth, true), { x: MARGIN_X, y: 66, size: titleSize, bold: true }),
    options.subtitle.trim() ? text(fitText(options.subtitle, subtitleSize, maxWidth), { x: MARGIN_X, y: 102, size: subtitleSize, fill: COLOR.muted }) : "",
    `<line x1="${MARGIN_X}" x2="${width - MARGIN_X}" y1="${px(ruleY)}" y2="${px(ruleY)}" stroke="${COLOR.grid}" stroke-width="1"/>`,
    ...sourceLines.map((line, index) => text(line, { x: MARGIN_X, y: sourceTop + index * sourceLineHeight, size: sourceSize, fill: COLOR.muted })),
  ];
  return { open: parts.filter(Boolean).join("\n"), close: "</svg>\n", top: 128, bottom: ruleY - 12 };
}

/** A whole chart that has nothing to draw yet: its frame and `message` in the middle. */
function emptyChart(chrome: ReturnType<typeof frame>, message: string, width: number): string {
  const area = { left: MARGIN_X, right: width - MARGIN_X, top: chrome.top, bottom: chrome.bottom };
  const centred = text(message, { x: (area.left + area.right) / 2, y: (area.top + area.bottom) / 2, size: 22, fill: COLOR.muted, anchor: "middle" });
  return [chrome.open, centred, chrome.close].join("\n");
}

/** What every press chart is given besides its data: its text, in `locale`, and its size (1200×675 unless given). */
type PressChartOptions<Labels> = {
  title: string;
  subtitle: string;
  sourceLine: string;
  locale: string;
  labels: Labels;
  /** The accessible description; each chart says what it defaults to. */
  description?: string;
  width?: number;
  height?: number;
};

export type DailyCount = { day: string; count: number };

export type SignaturesOverTimeLabels = {
  /** Label of the upper panel (the running total). */
  cumulative: string;
  /** Label of the lower panel (new verified signatures each day). */
  perDay: string;
  /** Shown instead of the chart when there is no verified signature yet. */
  empty: string;
};

/**
 * Verified signatures over time as a standalone SVG: the running total as a
 * line over a shaded area (upper panel) and the signatures verified each
 * day as bars (lower panel) on a shared time axis. Two panels rather than
 * two y axes on one plot: a reader cannot misread which scale a mark uses.
 *
 * Days come from the per-day counters (UTC); missing days are drawn as zero,
 * like the dashboard chart (lib/charts/daily-chart.ts lays out both). All
 * text is escaped; numbers and dates are formatted for `locale`. The
 * accessible description defaults to the subtitle and the source line.
 */
export function renderSignaturesOverTimeSvg(options: PressChartOptions<SignaturesOverTimeLabels> & { daily: readonly DailyCount[] }): string {
  const width = options.width ?? 1200;
  const height = options.height ?? 675;
  const number = new Intl.NumberFormat(options.locale);
  const series = options.daily
    .filter((row) => /^\d{4}-\d{2}-\d{2}$/.test(row.day) && Number.isFinite(Date.parse(row.day)) && Number.isFinite(row.count))
    .map((row) => ({ day: row.day, count: Math.max(0, row.count) }));
  const chrome = frame({
    title: options.title,
    subtitle: options.subtitle,
    sourceLine: options.sourceLine,
    description:
      options.description ??
      [options.subtitle, series.length === 0 ? options.labels.empty : "", options.sourceLine].filter((line) => line.trim()).join("\n"),
    locale: options.locale,
    width,
    height,
  });

  if (series.length === 0) return emptyChart(chrome, options.labels.empty, width);

  const sorted = [...series].sort((a, b) => a.day.localeCompare(b.day));
  let running = 0;
  const totals = new Map(sorted.map((row) => [row.day, (running += row.count)]));
  const { top: cumulativeTop, ticks: cumulativeTicks } = niceScale(running);
  const { top: dailyTop, ticks: dailyTicks } = niceScale(Math.max(0, ...sorted.map((row) => row.count)));
  const tickSize = 15;
  const labelWidth = Math.max(...[...cumulativeTicks, ...dailyTicks].map((value) => estimateTextWidth(number.format(value), tickSize)));
  const plotLeft = MARGIN_X + labelWidth + 12;
  const plotRight = width - MARGIN_X;

  const panelLabelSize = 16;
  const xLabelSpace = 34;
  const upperTop = chrome.top + 40;
  const available = chrome.bottom - xLabelSpace - upperTop - 44;
  const upperBottom = upperTop + available * 0.64;
  const lowerTop = upperBottom + 44;
  const lowerBottom = chrome.bottom - xLabelSpace;

  // The dashboard's layout fills in missing days (zero bars, so gaps show),
  // gives each day its slot and picks the date labels; we take its x
  // geometry and draw heights on our own scale. Its plot starts 56 px from
  // the left and ends 16 px from the right of the width it is given, so we
  // ask for a width whose plot is ours and shift it. Bars stay at most 40 px
  // wide, so a campaign a few days old does not get slabs.
  const layout = layoutDailyChart(sorted, { width: plotRight - plotLeft + 72, height: lowerBottom - lowerTop + 56 });
  const shiftX = plotLeft - layout.plot.left;
  const bars = layout.bars.map((bar) => {
    const barWidth = Math.min(bar.width, 40);
    const center = bar.x + shiftX + bar.width / 2;
    return { day: bar.day, count: bar.count, center, x: center - barWidth / 2, width: barWidth };
  });

  const upperHeight = upperBottom - upperTop;
  const lowerHeight = lowerBottom - lowerTop;
  const upperY = (value: number) => upperBottom - (value / cumulativeTop) * upperHeight;
  const lowerY = (value: number) => lowerBottom - (value / dailyTop) * lowerHeight;

  const parts: string[] = [chrome.open];

  const grid = (ticks: number[], toY: (value: number) => number) =>
    ticks.map((value) => {
      const y = toY(value);
      const stroke = value === 0 ? COLOR.axis : COLOR.grid;
      return [
        `<line x1="${px(plotLeft)}" x2="${px(plotRight)}" y1="${px(y)}" y2="${px(y)}" stroke="${stroke}" stroke-width="1"/>`,
        text(number.format(value), { x: plotLeft - 10, y: y + 5, size: tickSize, fill: COLOR.muted, anchor: "end" }),
      ].join("");
    });

  // Upper panel: the running total.
  parts.push(text(options.labels.cumulative, { x: plotLeft, y: upperTop - 16, size: panelLabelSize, fill: COLOR.brand, bold: true }));
  parts.push(`<g>${grid(cumulativeTicks, upperY).join("")}</g>`);
  let carried = 0;
  const points = bars.map((bar) => {
    carried = totals.get(bar.day) ?? carried;
    return { x: bar.center, y: upperY(carried), value: carried, day: bar.day };
  });
  const linePath = points.map((point, index) => `${index === 0 ? "M" : "L"}${px(point.x)} ${px(point.y)}`).join(" ");
  const first = points[0]!;
  const last = points.at(-1)!;
  if (points.length > 1) {
    parts.push(`<path d="${linePath} L${px(last.x)} ${px(upperBottom)} L${px(first.x)} ${px(upperBottom)} Z" fill="${COLOR.brand}" fill-opacity="0.12"/>`);
    parts.push(`<path d="${linePath}" fill="none" stroke="${COLOR.brand}" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  parts.push(`<circle cx="${px(last.x)}" cy="${px(last.y)}" r="5.5" fill="${COLOR.brand}" stroke="${COLOR.background}" stroke-width="2"/>`);
  parts.push(text(number.format(last.value), { x: last.x - 10, y: last.y - 14, size: 20, fill: COLOR.brand, anchor: "end", bold: true }));

  // Lower panel: signatures verified each day.
  parts.push(text(options.labels.perDay, { x: plotLeft, y: lowerTop - 16, size: panelLabelSize, fill: COLOR.brand, bold: true }));
  parts.push(`<g>${grid(dailyTicks, lowerY).join("")}</g>`);
  parts.push(
    `<g fill="${COLOR.bar}">${bars
      .filter((bar) => bar.count > 0)
      .map((bar) => {
        const y = lowerY(bar.count);
        return `<rect x="${px(bar.x)}" y="${px(y)}" width="${px(bar.width)}" height="${px(lowerBottom - y)}"><title>${escapeXml(`${bar.day}: ${number.format(bar.count)}`)}</title></rect>`;
      })
      .join("")}</g>`,
  );

  // Shared time axis: dates in the reader's language, with the year when the series spans more than one.
  const years = new Set(sorted.map((row) => row.day.slice(0, 4)));
  const dateFormat = new Intl.DateTimeFormat(options.locale, {
    day: "numeric",
    month: "short",
    ...(years.size > 1 ? { year: "numeric" } : {}),
    timeZone: "UTC",
  });
  for (const label of layout.xLabels) {
    const x = label.x + shiftX;
    parts.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${px(lowerBottom)}" y2="${px(lowerBottom + 6)}" stroke="${COLOR.axis}" stroke-width="1"/>`);
    parts.push(text(dateFormat.format(new Date(`${label.day}T00:00:00Z`)), { x, y: lowerBottom + 26, size: tickSize, fill: COLOR.muted, anchor: "middle" }));
  }

  parts.push(chrome.close);
  return parts.join("\n");
}

export type CountryCount = { code: string; name: string; count: number };

export type CountriesLabels = {
  /** What the bars measure, printed above them (e.g. "Verified signatures"). */
  axis: string;
  /** Shown instead of the chart when there is no verified signature yet. */
  empty: string;
  /** The line under the bars about the countries left out, e.g. "23 other countries: 1,234 signatures". */
  other: (rest: { countries: number; count: number }) => string;
};

/**
 * The `top` countries by verified signatures as a standalone SVG of
 * horizontal bars, largest first (ties by code, so the order is stable),
 * each count printed at its bar's end, and one line for the rest when more
 * countries have signed. Countries with no signature are left out. All text
 * is escaped; numbers are formatted for `locale`. The accessible
 * description defaults to the subtitle, every bar's number and the source
 * line.
 */
export function renderCountriesSvg(options: PressChartOptions<CountriesLabels> & { countries: readonly CountryCount[]; top?: number }): string {
  const width = options.width ?? 1200;
  const height = options.height ?? 675;
  const top = Math.max(1, Math.floor(options.top ?? 15));
  const number = new Intl.NumberFormat(options.locale);

  const ranked = options.countries
    .filter((row) => Number.isFinite(row.count) && row.count > 0)
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const shown = ranked.slice(0, top);
  const rest = ranked.slice(top);
  const other = rest.length > 0 ? options.labels.other({ countries: rest.length, count: rest.reduce((sum, row) => sum + row.count, 0) }) : undefined;

  const description =
    options.description ??
    [
      options.subtitle,
      ...(shown.length === 0 ? [options.labels.empty] : shown.map((row) => `${row.name}: ${number.format(row.count)}`)),
      ...(other ? [other] : []),
      options.sourceLine,
    ]
      .filter((line) => line.trim())
      .join("\n");
  const chrome = frame({ title: options.title, subtitle: options.subtitle, sourceLine: options.sourceLine, description, locale: options.locale, width, height });
  if (shown.length === 0) return emptyChart(chrome, options.labels.empty, width);

  const axisY = chrome.top + 22;
  const rowsTop = axisY + 14;
  const rows = shown.length + (other ? 1 : 0);
  const rowHeight = Math.min(44, (chrome.bottom - rowsTop) / rows);
  const nameSize = rowHeight >= 30 ? 18 : 16;
  const barHeight = Math.max(8, rowHeight * 0.62);

  const maxNameWidth = 340;
  const names = shown.map((row) => fitText(row.name, nameSize, maxNameWidth));
  const nameColumn = Math.max(100, ...names.map((name) => estimateTextWidth(name, nameSize) * 1.03));
  const nameRight = MARGIN_X + nameColumn;
  const barLeft = nameRight + 16;
  const max = shown[0]!.count;
  const countWidth = estimateTextWidth(number.format(max), nameSize, true) + 12;
  const barSpace = width - MARGIN_X - barLeft - countWidth;

  const parts: string[] = [chrome.open];
  parts.push(text(options.labels.axis, { x: barLeft, y: axisY, size: 15, fill: COLOR.muted }));
  shown.forEach((row, index) => {
    const center = rowsTop + index * rowHeight + rowHeight / 2;
    const barWidth = Math.max(2, (row.count / max) * barSpace);
    const label = number.format(row.count);
    parts.push(
      [
        text(names[index]!, { x: nameRight, y: center + nameSize * 0.36, size: nameSize, anchor: "end" }),
        `<rect x="${px(barLeft)}" y="${px(center - barHeight / 2)}" width="${px(barWidth)}" height="${px(barHeight)}" fill="${COLOR.brand}"><title>${escapeXml(`${row.name}: ${label}`)}</title></rect>`,
        text(label, { x: barLeft + barWidth + 8, y: center + nameSize * 0.36, size: nameSize, bold: true }),
      ].join(""),
    );
  });
  const baselineBottom = rowsTop + shown.length * rowHeight;
  parts.push(`<line x1="${px(barLeft)}" x2="${px(barLeft)}" y1="${px(rowsTop)}" y2="${px(baselineBottom)}" stroke="${COLOR.axis}" stroke-width="1"/>`);
  if (other) {
    parts.push(text(fitText(other, 16, width - MARGIN_X - barLeft), { x: barLeft, y: baselineBottom + rowHeight / 2 + 6, size: 16, fill: COLOR.muted }));
  }

  parts.push(chrome.close);
  return parts.join("\n");
}
