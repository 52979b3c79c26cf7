import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  compactPath,
  computeStepThresholds,
  escapeXml,
  NO_SIGNATURES_FILL,
  renderWorldMap,
  simplifyLine,
  STEP_FILLS,
  WORLD_MAP_TTL_MS,
} from "./world-map";
import { forbidRealClock } from "@/test/clock";

const T0 = Date.parse("2026-03-05T12:00:00Z");

type DrawnCountry = { d: string; fill: string | undefined; title: string };

/** The country paths of a rendered map, with their fill and (still escaped) title. */
function readCountries(svg: string): DrawnCountry[] {
  return [...svg.matchAll(/<path d="([^"]*)"(?: fill="([^"]*)")?><title>([^<]*)<\/title><\/path>/g)].map((match) => ({
    d: match[1]!,
    fill: match[2],
    title: match[3]!,
  }));
}

function findCountry(svg: string, titleStart: string): DrawnCountry {
  const country = readCountries(svg).find((candidate) => candidate.title.startsWith(titleStart));
  if (!country) throw new Error(`no path titled ${titleStart}…`);
  return country;
}

describe("renderWorldMap", () => {
  forbidRealClock();
  it("draws every country of the 110m atlas but Antarctica, each with a title", () => {
    const { svg } = renderWorldMap({ counts: {}, locale: "en", now: T0 });
    const countries = readCountries(svg);
    expect(countries).toHaveLength(176);
    expect(svg.match(/<path /g)).toHaveLength(176);
    expect(svg.match(/<title>/g)).toHaveLength(176);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 960 \d+" role="img" aria-label="Signatures by country on a map">/);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(countries.every((country) => country.fill === undefined)).toBe(true);
    expect(findCountry(svg, "France").title).toBe("France: no signatures yet");
    expect(svg).not.toContain("Antarctica");
  });

  it("fills a country with signatures and gives its count in the title", () => {
    const { svg } = renderWorldMap({ counts: { DE: 12, UA: 3, XK: 1 }, locale: "en", now: T0 });
    const germany = findCountry(svg, "Germany");
    expect(germany.title).toBe("Germany: 12 signatures");
    expect(germany.fill).toBeDefined();
    expect(germany.fill).not.toBe(NO_SIGNATURES_FILL);
    expect(STEP_FILLS).toContain(germany.fill);
    expect(findCountry(svg, "Ukraine").title).toBe("Ukraine: 3 signatures");
    // Kosovo has no numeric code in the atlas: it is matched by name.
    expect(findCountry(svg, "Kosovo")).toMatchObject({ title: "Kosovo: 1 signature", fill: expect.any(String) });
    expect(findCountry(svg, "Poland").fill).toBeUndefined();
    // More signatures, a darker (later) step.
    expect(STEP_FILLS.indexOf(germany.fill as (typeof STEP_FILLS)[number])).toBeGreaterThan(
      STEP_FILLS.indexOf(findCountry(svg, "Ukraine").fill as (typeof STEP_FILLS)[number]),
    );
  });

  it("names countries in the reader's language, with the right plural", () => {
    const { svg } = renderWorldMap({ counts: { DE: 12, UA: 3, PL: 21 }, locale: "ru", now: T0 });
    expect(svg).toContain('aria-label="Подписи по странам на карте"');
    expect(findCountry(svg, "Германия").title).toBe("Германия: 12 подписей");
    expect(findCountry(svg, "Украина").title).toBe("Украина: 3 подписи");
    expect(findCountry(svg, "Польша").title).toBe("Польша: 21 подпись");
    expect(findCountry(svg, "Франция").title).toBe("Франция: подписей пока нет");
    const uk = renderWorldMap({ counts: { DE: 12 }, locale: "uk", now: T0 }).svg;
    expect(findCountry(uk, "Німеччина").title).toBe("Німеччина: 12 підписів");
  });

  it("escapes names for XML", () => {
    const { svg } = renderWorldMap({ counts: { BA: 2 }, locale: "en", now: T0 });
    expect(findCountry(svg, "Bosnia").title).toBe("Bosnia &amp; Herzegovina: 2 signatures");
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
    expect(escapeXml(`<b title="x">Tom & Jerry's</b>`)).toBe("&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;");
  });

  it("has a legend from “none yet” to the top step, in the reader's language", () => {
    const counts = { DE: 1, FR: 2, IT: 4, ES: 9, PL: 30, UA: 120, GB: 900, US: 5000 };
    expect(renderWorldMap({ counts, locale: "en", now: T0 }).legend).toEqual([
      { fill: NO_SIGNATURES_FILL, label: "None yet" },
      { fill: STEP_FILLS[0], label: "1" },
      { fill: STEP_FILLS[1], label: "2–4" },
      { fill: STEP_FILLS[2], label: "5–29" },
      { fill: STEP_FILLS[3], label: "30–499" },
      { fill: STEP_FILLS[4], label: "500 or more" },
    ]);
    const ru = new Intl.NumberFormat("ru");
    expect(renderWorldMap({ counts: { DE: 1500, UA: 20000 }, locale: "ru", now: T0 }).legend.map((step) => step.label)).toEqual([
      "Пока нет",
      "1–999",
      `${ru.format(1000)}–${ru.format(19_999)}`,
      `${ru.format(20_000)} и больше`,
    ]);
  });

  it("returns the same map for the same counts for 60 s, then draws it again", () => {
    const first = renderWorldMap({ counts: { DE: 5, AT: 2 }, locale: "en", now: T0 });
    // The same counts in another order are the same map.
    expect(renderWorldMap({ counts: { AT: 2, DE: 5 }, locale: "en", now: T0 + WORLD_MAP_TTL_MS - 1 })).toBe(first);
    expect(renderWorldMap({ counts: { DE: 5, AT: 2 }, locale: "ru", now: T0 + 1 })).not.toBe(first);
    const changed = renderWorldMap({ counts: { DE: 6, AT: 2 }, locale: "en", now: T0 + 2 });
    expect(changed).not.toBe(first);
    expect(changed.svg).not.toBe(first.svg);
    const later = renderWorldMap({ counts: { DE: 5, AT: 2 }, locale: "en", now: T0 + WORLD_MAP_TTL_MS });
    expect(later).not.toBe(first);
    expect(later.svg).toBe(first.svg);
  });

  it("stays small: under 62 KB, 21 KB gzipped (110m atlas, simplified, on a 0.1 grid, relative moves)", () => {
    const { svg } = renderWorldMap({ counts: { DE: 5 }, locale: "en", now: T0 });
    expect(Buffer.byteLength(svg)).toBeLessThan(62_000);
    expect(gzipSync(svg).byteLength).toBeLessThan(21_000);
  });
});

describe("computeStepThresholds", () => {
  it.each([
    { counts: [], expected: [1] },
    { counts: [0, 0], expected: [1] },
    { counts: [1, 1, 1], expected: [1] },
    { counts: [7], expected: [1, 5] },
    { counts: [1, 2, 3, 4, 5], expected: [1, 2, 3, 5] },
    { counts: [1, 1, 2, 3, 50, 200], expected: [1, 2, 3, 50] },
    { counts: [1, 2, 4, 9, 30, 120, 900, 5000], expected: [1, 2, 5, 30, 500] },
    { counts: [1500, 20000], expected: [1, 1000, 20000] },
  ])("$counts → $expected", ({ counts, expected }) => {
    expect(computeStepThresholds(counts)).toEqual(expected);
  });
});

describe("compactPath", () => {
  it.each([
    ["M1.5,2L3,4Z", "M1.5 2l1.5 2z"],
    ["M1.5,2L3,4L2.5,4L2.5,4L2.5,3.9Z", "M1.5 2l1.5 2-.5 0 0-.1z"],
    ["M-10,-0.5L-9.9,0ZM100,200L101,200Z", "M-10-.5l.1 .5zM100 200l1 0z"],
    ["", ""],
  ])("%s → %s", (input, expected) => {
    expect(compactPath(input)).toBe(expected);
  });
});

describe("simplifyLine", () => {
  it.each([
    { name: "keeps a short line", line: [[0, 0], [1, 1]], tolerance: 1, expected: [[0, 0], [1, 1]] },
    { name: "drops points near the chord", line: [[0, 0], [1, 0.05], [2, -0.05], [3, 0]], tolerance: 0.1, expected: [[0, 0], [3, 0]] },
    { name: "keeps a corner", line: [[0, 0], [1, 1.05], [2, 2], [3, 0]], tolerance: 0.1, expected: [[0, 0], [2, 2], [3, 0]] },
    {
      name: "keeps a closed ring a ring",
      line: [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]],
      tolerance: 0.5,
      expected: [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]],
    },
    { name: "does nothing without a tolerance", line: [[0, 0], [1, 0], [2, 0]], tolerance: 0, expected: [[0, 0], [1, 0], [2, 0]] },
  ] as { name: string; line: [number, number][]; tolerance: number; expected: [number, number][] }[])("$name", ({ line, tolerance, expected }) => {
    expect(simplifyLine(line, tolerance)).toEqual(expected);
  });
});
