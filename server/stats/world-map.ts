import "server-only";
import { geoEqualEarth, geoPath } from "d3-geo";
import { numericToAlpha2 } from "i18n-iso-countries/index";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { createTranslator } from "use-intl/core";
import countries110m from "world-atlas/countries-110m.json";
import { getCountryName } from "@/lib/countries";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import type { Locale } from "@/lib/i18n/locales";

/** Width of the map's coordinate space (its viewBox); the page scales it. */
export const WORLD_MAP_WIDTH = 960;

/** How long a rendered map is reused for the same counts and locale. */
export const WORLD_MAP_TTL_MS = 60_000;

/** Fill of a country nobody has signed from yet. */
export const NO_SIGNATURES_FILL = "#e4e1da";

/**
 * Sequential scale, light to dark, ending in the site's accent colour. Each
 * step differs from its neighbours in lightness, so it reads in greyscale.
 */
export const STEP_FILLS = ["#f6cfbd", "#eb9474", "#d4583d", "#a8302a", "#6e1a1a"] as const;

/** Map features with no ISO code in world-atlas, named as ISO 3166 (and our country list) counts them. */
const CODES_BY_ATLAS_NAME: Record<string, string> = { Kosovo: "XK", "N. Cyprus": "CY", Somaliland: "SO" };

/**
 * How far (in degrees) a simplified border may stray from the atlas's:
 * about 0.4 units of the 960-unit map, under a pixel at the page's widths.
 * It drops about a third of the points.
 */
const SIMPLIFY_DEGREES = 0.15;

/** Antarctica: nobody lives there, and it would take a sixth of the map's height. */
const LEFT_OUT = new Set(["010"]);

type CountryShape = { code: string | undefined; atlasName: string; d: string };
type Geometry = { width: number; height: number; shapes: CountryShape[] };

export type WorldMapLegendStep = { fill: string; label: string };

export type WorldMap = {
  /** A complete `<svg role="img">`, every text in it XML-escaped. */
  svg: string;
  /** The colour steps, lightest (no signatures) first, with labels in the map's locale. */
  legend: WorldMapLegendStep[];
};

let geometry: Geometry | undefined;

/**
 * The projected country outlines. Projection and paths never change, so
 * they are computed once per process; only the fills depend on the counts.
 */
function getGeometry(): Geometry {
  if (geometry) return geometry;
  const topology = simplifyTopology(
    countries110m as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>,
    SIMPLIFY_DEGREES,
  );
  const collection = feature(topology, topology.objects.countries);
  const features = collection.features.filter((country) => !LEFT_OUT.has(String(country.id)));
  const land = { type: "FeatureCollection" as const, features };
  // Equal Earth rotated 11° east (the antimeridian then runs through the
  // Bering Strait, so Chukotka is not cut off to the far left), fitted to the
  // width with a one-unit margin so the outermost strokes show, then moved
  // to the top: the height is what the land needs.
  const projection = geoEqualEarth()
    .rotate([-11, 0])
    .fitExtent(
      [
        [1, 1],
        [WORLD_MAP_WIDTH - 1, WORLD_MAP_WIDTH],
      ],
      land,
    );
  const top = geoPath(projection).bounds(land)[0][1];
  const [translateX, translateY] = projection.translate();
  projection.translate([translateX, translateY - top + 1]);
  const path = geoPath(projection).digits(1);
  const [, [, bottom]] = path.bounds(land);
  const shapes = features.map((country) => {
    const atlasName = country.properties?.name ?? "";
    const numeric = country.id === undefined ? undefined : String(country.id);
    return {
      code: (numeric ? numericToAlpha2(numeric) : undefined) ?? CODES_BY_ATLAS_NAME[atlasName],
      atlasName,
      d: compactPath(path(country) ?? ""),
    };
  });
  geometry = { width: WORLD_MAP_WIDTH, height: Math.ceil(bottom + 1), shapes: shapes.filter((shape) => shape.d !== "") };
  return geometry;
}

/**
 * The topology with each arc simplified (Douglas–Peucker) in longitude and
 * latitude. Arcs are the borders countries share, so neighbours keep one
 * common border: no slivers or gaps open between them.
 */
function simplifyTopology<T extends Topology>(topology: T, tolerance: number): T {
  const [scaleX, scaleY] = topology.transform?.scale ?? [1, 1];
  const [translateX, translateY] = topology.transform?.translate ?? [0, 0];
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    const points = arc.map(([dx, dy]): [number, number] => {
      if (!topology.transform) return [dx!, dy!];
      x += dx!;
      y += dy!;
      return [x * scaleX + translateX, y * scaleY + translateY];
    });
    return simplifyLine(points, tolerance);
  });
  return { ...topology, transform: undefined, arcs };
}

/** Douglas–Peucker: the points of `line` no closer than `tolerance` to the simplified line are kept. */
export function simplifyLine(line: [number, number][], tolerance: number): [number, number][] {
  if (line.length < 3 || tolerance <= 0) return line;
  const keep = new Uint8Array(line.length);
  keep[0] = 1;
  keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    const [x1, y1] = line[first]!;
    const [x2, y2] = line[last]!;
    const length = Math.hypot(x2 - x1, y2 - y1);
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let index = first + 1; index < last; index += 1) {
      const [x, y] = line[index]!;
      // Distance to the chord, or to its start when the chord is a point (a closed ring).
      const distance = length === 0 ? Math.hypot(x - x1, y - y1) : Math.abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length;
      if (distance > farthestDistance) {
        farthest = index;
        farthestDistance = distance;
      }
    }
    if (farthest === -1) continue;
    keep[farthest] = 1;
    stack.push([first, farthest], [farthest, last]);
  }
  return line.filter((_, index) => keep[index] === 1);
}

/**
 * d3's absolute path (`M1.5,2L3,4Z`) rewritten as relative line segments
 * (`M1.5 2l1.5 2z`) on the same 0.1 grid: the same shape in about half the
 * bytes.
 */
export function compactPath(d: string): string {
  let out = "";
  let x = 0;
  let y = 0;
  let inLine = false;
  for (const [, command, args] of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
    if (command === "Z") {
      out += "z";
      inLine = false;
      continue;
    }
    const [nextX, nextY] = args!.split(",").map((value) => Math.round(Number(value) * 10));
    if (nextX === undefined || nextY === undefined || Number.isNaN(nextX) || Number.isNaN(nextY)) continue;
    if (command === "M") {
      out += `M${tenths(nextX)}${separated(tenths(nextY))}`;
      inLine = false;
    } else if (nextX !== x || nextY !== y) {
      const dx = tenths(nextX - x);
      // After an `l`, further pairs continue the same command without repeating it.
      out += `${inLine ? separated(dx) : `l${dx}`}${separated(tenths(nextY - y))}`;
      inLine = true;
    }
    x = nextX;
    y = nextY;
  }
  return out;
}

/** A number after another: a minus sign separates by itself, anything else needs a space. */
function separated(number: string): string {
  return number.startsWith("-") ? number : ` ${number}`;
}

/** 15 → "1.5", -5 → "-.5", 20 → "2". */
function tenths(value: number): string {
  if (value === 0) return "0";
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const whole = Math.floor(abs / 10);
  const fraction = abs % 10;
  return `${sign}${whole === 0 && fraction !== 0 ? "" : whole}${fraction === 0 ? "" : `.${fraction}`}`;
}

/**
 * Lower bounds of the colour steps (the first is always 1): quantiles of
 * the countries' counts rounded down to 1, 2, 3 or 5 × 10ⁿ, at most
 * `maxSteps`, duplicates dropped. Quantiles, not a linear scale, because
 * signatures are skewed: one country often has most of them.
 */
export function computeStepThresholds(counts: number[], maxSteps: number = STEP_FILLS.length): number[] {
  const values = counts.filter((count) => count > 0).sort((a, b) => a - b);
  const thresholds = [1];
  for (let step = 1; step < maxSteps && values.length > 0; step += 1) {
    const nice = niceFloor(values[Math.floor((step * values.length) / maxSteps)]!);
    if (nice > thresholds.at(-1)!) thresholds.push(nice);
  }
  return thresholds;
}

function niceFloor(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  let nice = magnitude;
  for (const mantissa of [2, 3, 5]) if (mantissa * magnitude <= value) nice = mantissa * magnitude;
  return nice;
}

/** The fills for `stepCount` steps, spread over the palette so few steps still differ clearly. */
function pickFills(stepCount: number): string[] {
  if (stepCount === 1) return [STEP_FILLS.at(-1)!];
  const last = STEP_FILLS.length - 1;
  return Array.from({ length: stepCount }, (_, step) => STEP_FILLS[Math.round((step * last) / (stepCount - 1))]!);
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `text` safe in XML character data and in a double- or single-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!);
}

const namesByLocale = new Map<Locale, string[]>();

/** Country names in `locale`, in the order of the shapes (Intl.DisplayNames is slow to build: once per locale). */
function getShapeNames(locale: Locale, shapes: CountryShape[]): string[] {
  const cached = namesByLocale.get(locale);
  if (cached) return cached;
  const names = shapes.map((shape) => (shape.code ? getCountryName(shape.code, locale) : shape.atlasName));
  namesByLocale.set(locale, names);
  return names;
}

function drawWorldMap(counts: Record<string, number>, locale: Locale): WorldMap {
  const { width, height, shapes } = getGeometry();
  const t = createTranslator({ locale, messages: MESSAGE_CATALOGS[locale], namespace: "Map" });
  const number = new Intl.NumberFormat(locale);
  const thresholds = computeStepThresholds(Object.values(counts));
  const fills = pickFills(thresholds.length);
  const fillFor = (count: number) => {
    if (count <= 0) return undefined;
    let step = 0;
    while (step + 1 < thresholds.length && count >= thresholds[step + 1]!) step += 1;
    return fills[step];
  };
  const names = getShapeNames(locale, shapes);
  const paths = shapes.map((shape, index) => {
    const count = shape.code ? (counts[shape.code] ?? 0) : 0;
    const fill = fillFor(count);
    const title = t("countryTitle", { country: names[index]!, count });
    return `<path d="${shape.d}"${fill ? ` fill="${fill}"` : ""}><title>${escapeXml(title)}</title></path>`;
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(t("label"))}">` +
    `<g fill="${NO_SIGNATURES_FILL}" stroke="#fff" stroke-width=".5" stroke-linejoin="round">${paths.join("")}</g></svg>`;

  const legend: WorldMapLegendStep[] = [{ fill: NO_SIGNATURES_FILL, label: t("noSignatures") }];
  thresholds.forEach((from, step) => {
    const next = thresholds[step + 1];
    const label =
      next === undefined
        ? t("atLeast", { from: number.format(from) })
        : next - 1 === from
          ? number.format(from)
          : t("range", { from: number.format(from), to: number.format(next - 1) });
    legend.push({ fill: fills[step]!, label });
  });
  return Object.freeze({ svg, legend: Object.freeze(legend) as WorldMapLegendStep[] });
}

const MAX_MEMO_ENTRIES = 32;
const memo = new Map<string, { expiresAt: number; map: WorldMap }>();

/**
 * The world map of verified signatures per country (ISO alpha-2 → count),
 * as an SVG string with a `<title>` per country in `locale`, and its legend.
 * The same counts in the same locale give the same object for 60 s, so a
 * busy page does not redraw it per request. Anyone may call it: the counts
 * are public.
 */
export function renderWorldMap(options: { counts: Record<string, number>; locale: Locale; now?: number }): WorldMap {
  const now = options.now ?? Date.now();
  const key = `${options.locale}|${Object.entries(options.counts)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, count]) => `${code}:${count}`)
    .join(",")}`;
  const hit = memo.get(key);
  if (hit && hit.expiresAt > now) return hit.map;
  for (const [oldKey, entry] of memo) if (entry.expiresAt <= now) memo.delete(oldKey);
  while (memo.size >= MAX_MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  const map = drawWorldMap(options.counts, options.locale);
  memo.set(key, { expiresAt: now + WORLD_MAP_TTL_MS, map });
  return map;
}
