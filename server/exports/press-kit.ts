import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createTranslator } from "use-intl/core";
import { getDb, type AppDatabase } from "@/db/client";
import { escapeXml, renderCountriesSvg, renderSignaturesOverTimeSvg } from "@/lib/charts/press-charts";
import { getCountryName } from "@/lib/countries";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";
import type { PressKitFile } from "@/lib/schemas/press-kit";
import { SHIPPED_FONT_DIR, SHIPPED_FONT_FILES } from "@/server/assets/shipped-fonts";
import { toAuditActor, type Actor } from "@/server/auth/actor";
import { assertCan } from "@/server/auth/permissions";
import { recordAudit } from "@/server/audit/record-audit";
import { getCampaign } from "@/server/content/get-campaign";
import { getStats, listDailyTotals } from "@/server/stats/get-stats";

// The press kit (decision 0008: per-country numbers are counters, open to
// viewers): two charts as SVG and PNG and the public numbers as JSON, in the
// organizer's chosen language, for journalists to use without asking us.
// Everything comes from the counters, never from the signatures table, so
// no file can hold personal data and the cost does not grow with the campaign.

/** Countries drawn as bars; the rest are summed on one line under them. */
const TOP_COUNTRIES = 15;

/**
 * Rendered PNGs are kept this long per (database, file, locale). Rasterising
 * and encoding 2400 × 1350 takes 30–80 ms of CPU (about 140 ms for the first
 * in a process; measured on the 2-core dev machine) while an SVG or the JSON
 * is a string built in a few milliseconds; when a campaign is in the
 * news, many journalists press "download" within the same minute. A chart
 * whose source line says "as of 15:48" is not worse for being served at
 * 15:48:59, and the public count is itself seconds behind (decision 0003).
 */
export const PRESS_KIT_PNG_TTL_MS = 60_000;

/** 2 × the SVG's 72 dpi: a 1200 px wide chart becomes 2400 px, sharp on high-density screens and in print. */
const PNG_DENSITY = 144;

type CachedPng = { renderedAt: number; png: Promise<Uint8Array<ArrayBuffer>> };

// Keyed by the database first (a WeakMap, so a closed test database takes its
// entries with it), then by file and locale. At most 2 charts × 3 locales per
// database: no eviction needed beyond replacing a stale entry. The promise is
// stored, not the bytes, so a burst of requests during the first render waits
// for that one render instead of starting its own.
const pngCache = new WeakMap<AppDatabase, Map<string, CachedPng>>();

export type PressKitDownload = {
  body: Uint8Array<ArrayBuffer> | string;
  contentType: string;
  filename: string;
};

/** The public numbers as written to stats.json. */
export type PressKitStats = {
  campaign: string;
  goal: number;
  total: number;
  countries: { code: string; name: string; count: number }[];
  daily: { day: string; count: number; cumulative: number }[];
  generatedAt: string;
  source: string;
};

/**
 * One file of the press kit, ready to send: a chart (PNG or SVG) or the
 * public statistics (JSON), with titles, country names and numbers in
 * `locale`. Viewers and up, and the command line: nothing in it is personal
 * data (decision 0007), but every call is audited (`export.pressKit` with the
 * file), cached PNGs included. A signed-out caller has no Actor: the route
 * answers 401 before calling this.
 */
export async function getPressKitFile(options: {
  actor: Actor;
  file: PressKitFile;
  locale: Locale;
  db?: AppDatabase;
  now?: number;
}): Promise<PressKitDownload> {
  assertCan(options.actor, "readTotals");
  const db = options.db ?? getDb();
  const now = options.now ?? Date.now();
  const { file, locale } = options;

  let body: PressKitDownload["body"];
  let contentType: string;
  if (file === "stats.json") {
    body = `${JSON.stringify(getPressKitStats({ db, locale, now }), null, 2)}\n`;
    contentType = "application/json; charset=utf-8";
  } else if (file.endsWith(".svg")) {
    body = renderChartSvg(file, { db, locale, now });
    contentType = "image/svg+xml; charset=utf-8";
  } else {
    body = await getCachedPng(file, { db, locale, now });
    contentType = "image/png";
  }

  // After the file is ready: a render that failed was not a download.
  recordAudit(db, { actor: toAuditActor(options.actor), action: "export.pressKit", details: { file }, now });

  const campaignId = getCampaign(locale).id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const [base, extension] = [file.slice(0, file.lastIndexOf(".")), file.slice(file.lastIndexOf(".") + 1)];
  const day = new Date(now).toISOString().slice(0, 10);
  return { body, contentType, filename: `${campaignId ? `${campaignId}-` : ""}${base}-${locale}-${day}.${extension}` };
}

/**
 * The numbers behind the charts: getStats (total, goal, verified signatures
 * per country) with names in `locale`, and the per-day counters with every
 * day from the first to the last filled in (a zero day is a fact, and a
 * spreadsheet chart of a gap-free series needs no cleaning). For
 * getPressKitFile; no role check of its own.
 */
function getPressKitStats(options: { db: AppDatabase; locale: Locale; now: number }): PressKitStats {
  const { db, locale, now } = options;
  const stats = getStats({ db, now });
  const campaign = getCampaign(locale);
  return {
    campaign: campaign.title,
    goal: stats.goal,
    total: stats.total,
    countries: listCountries(stats.countries, locale),
    daily: fillDays(listDailyTotals({ db })),
    generatedAt: new Date(now).toISOString(),
    source: sourceLine(locale, now),
  };
}

function translatorFor(locale: Locale) {
  return createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Admin.pressKit" });
}

/** "Source: <campaign title>, verified signatures, as of <date, time UTC>", in `locale`. */
function sourceLine(locale: Locale, now: number): string {
  const asOf = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(now);
  return translatorFor(locale)("source", { title: getCampaign(locale).title, date: `${asOf} UTC` });
}

function listCountries(counts: Record<string, number>, locale: Locale): PressKitStats["countries"] {
  return Object.entries(counts)
    .map(([code, count]) => ({ code, name: getCountryName(code, locale), count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** Every UTC day from the first counter to the last, with zeros for days without one, and the running total. */
function fillDays(rows: { day: string; count: number }[]): PressKitStats["daily"] {
  if (rows.length === 0) return [];
  const byDay = new Map(rows.map((row) => [row.day, row.count]));
  const start = Date.parse(`${rows[0]!.day}T00:00:00Z`);
  const end = Date.parse(`${rows.at(-1)!.day}T00:00:00Z`);
  const daily: PressKitStats["daily"] = [];
  let cumulative = 0;
  for (let time = start; time <= end; time += 86_400_000) {
    const day = new Date(time).toISOString().slice(0, 10);
    const count = byDay.get(day) ?? 0;
    cumulative += count;
    daily.push({ day, count, cumulative });
  }
  return daily;
}

function renderChartSvg(file: Exclude<PressKitFile, "stats.json">, options: { db: AppDatabase; locale: Locale; now: number }): string {
  const { locale } = options;
  const t = translatorFor(locale);
  const stats = getPressKitStats(options);
  if (file.startsWith("signatures-over-time.")) {
    const first = stats.daily[0];
    const last = stats.daily.at(-1);
    const range =
      first && last
        ? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).formatRange(
            Date.parse(`${first.day}T00:00:00Z`),
            Date.parse(`${last.day}T00:00:00Z`),
          )
        : "";
    return renderSignaturesOverTimeSvg({
      daily: stats.daily,
      title: t("overTimeTitle"),
      // Without signatures the chart itself says so; a subtitle repeating it would be noise.
      subtitle: range ? t("overTimeSubtitle", { total: stats.total, range }) : "",
      sourceLine: stats.source,
      locale,
      labels: { cumulative: t("cumulative"), perDay: t("perDay"), empty: t("empty") },
    });
  }
  const shown = Math.min(TOP_COUNTRIES, stats.countries.length);
  return renderCountriesSvg({
    countries: stats.countries,
    top: TOP_COUNTRIES,
    title: t("countriesTitle", { count: shown || TOP_COUNTRIES }),
    subtitle: stats.countries.length > 0 ? t("countriesSubtitle", { total: stats.total, countries: stats.countries.length }) : "",
    sourceLine: stats.source,
    locale,
    labels: {
      axis: t("axisSignatures"),
      empty: t("empty"),
      other: ({ countries, count }) => t("otherCountries", { countries, count }),
    },
  });
}

async function getCachedPng(file: PressKitFile, options: { db: AppDatabase; locale: Locale; now: number }): Promise<Uint8Array<ArrayBuffer>> {
  const svgFile = file.replace(/\.png$/, ".svg") as Exclude<PressKitFile, "stats.json">;
  let entries = pngCache.get(options.db);
  if (!entries) pngCache.set(options.db, (entries = new Map()));
  const key = `${file}|${options.locale}`;
  const cached = entries.get(key);
  const age = cached ? options.now - cached.renderedAt : Infinity;
  if (cached && age >= 0 && age < PRESS_KIT_PNG_TTL_MS) return cached.png;

  const entry: CachedPng = { renderedAt: options.now, png: renderPng(renderChartSvg(svgFile, options)) };
  entries.set(key, entry);
  // A failed render is not kept: the next request tries again.
  entry.png.catch(() => {
    if (entries.get(key) === entry) entries.delete(key);
  });
  return entry.png;
}

/** Rasterises a chart at 2× (see PNG_DENSITY) with the shipped fonts. */
async function renderPng(svg: string): Promise<Uint8Array<ArrayBuffer>> {
  configureShippedFonts();
  const png = await sharp(Buffer.from(svg), { density: PNG_DENSITY }).png().toBuffer();
  return new Uint8Array(png);
}

let fontsConfigured = false;

/**
 * Points fontconfig (which librsvg, inside sharp, asks for "DejaVu Sans") at
 * assets/fonts only, so a PNG looks the same on every machine, and has text
 * at all on a server image without system fonts. librsvg ignores @font-face,
 * so embedding the font in the SVG does not work. Fontconfig reads
 * FONTCONFIG_FILE once, at its first use in the process: this runs before
 * our first render, and an operator's own FONTCONFIG_FILE wins.
 */
function configureShippedFonts(): void {
  if (fontsConfigured) return;
  fontsConfigured = true;
  if (process.env.FONTCONFIG_FILE) return;
  if (!fs.existsSync(SHIPPED_FONT_FILES.regular)) return;
  // One config per fonts folder, so two deployments on one machine never point at each other's fonts.
  const configDir = path.join(os.tmpdir(), `undersigned-fontconfig-${createHash("sha256").update(SHIPPED_FONT_DIR).digest("hex").slice(0, 12)}`);
  const configFile = path.join(configDir, "fonts.conf");
  const config = [
    `<?xml version="1.0"?>`,
    `<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">`,
    `<fontconfig><dir>${escapeXml(SHIPPED_FONT_DIR)}</dir><cachedir>${escapeXml(path.join(configDir, "cache"))}</cachedir></fontconfig>`,
    "",
  ].join("\n");
  try {
    fs.mkdirSync(configDir, { recursive: true });
    // Written aside and renamed: another process may be reading the same path.
    const temporary = `${configFile}.${process.pid}`;
    fs.writeFileSync(temporary, config);
    fs.renameSync(temporary, configFile);
    process.env.FONTCONFIG_FILE = configFile;
  } catch (error) {
    // A read-only temp dir should not cost the download: the system's fonts usually include DejaVu.
    console.warn("press kit: could not point fontconfig at assets/fonts, using the system's fonts", error);
  }
}
