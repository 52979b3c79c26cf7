import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { escapeXml, estimateTextWidth, niceScale, renderCountriesSvg, renderSignaturesOverTimeSvg, type CountryCount } from "./press-charts";

const HOSTILE = `<script>alert("x")</script> & "quoted" 'single'`;

const overTimeLabels = { cumulative: "Cumulative", perDay: "Per day", empty: "No verified signatures yet." };
const countriesLabels = {
  axis: "Verified signatures",
  empty: "No verified signatures yet.",
  other: ({ countries, count }: { countries: number; count: number }) => `${countries} other countries: ${count} signatures`,
};

const SOURCE = "Source: Open letter, verified signatures, as of March 3, 2026 at 12:00 PM UTC";

/**
 * A strict enough XML well-formedness check for what we generate: one root,
 * every tag closed in order, attributes quoted, no raw `<` in text or
 * attributes, and every `&` starting one of the five entities.
 */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  const stack: string[] = [];
  let roots = 0;
  let index = 0;
  while (index < body.length) {
    if (body[index] === "<") {
      tag.lastIndex = index;
      const match = tag.exec(body);
      if (!match) throw new Error(`malformed tag at ${index}: ${body.slice(index, index + 60)}`);
      const [whole, closing, name, attributes = "", selfClosing] = match;
      for (const amp of attributes.matchAll(/&[^;]*;?/g)) {
        if (!/^&(amp|lt|gt|quot|apos);$/.test(amp[0])) throw new Error(`bad entity in attribute: ${amp[0]}`);
      }
      if (closing) {
        if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element at ${index}`);
      } else {
        if (stack.length === 0) roots += 1;
        if (!selfClosing) stack.push(name!);
      }
      index += whole.length;
    } else {
      const next = body.indexOf("<", index);
      const text = body.slice(index, next === -1 ? undefined : next);
      if (stack.length === 0 && text.trim()) throw new Error(`text outside the root: ${text.slice(0, 40)}`);
      for (const amp of text.matchAll(/&[^;]*;?/g)) {
        if (!/^&(amp|lt|gt|quot|apos);$/.test(amp[0])) throw new Error(`bad entity in text: ${amp[0]}`);
      }
      index = next === -1 ? body.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(" > ")}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

/** The text content of every <text>, <title> and <desc>, unescaped, as a reader would see it. */
function visibleTexts(svg: string): string[] {
  return [...svg.matchAll(/<(text|title|desc)\b[^>]*>([^<]*)<\/\1>/g)].map((match) =>
    match[2]!.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&"),
  );
}

describe("escapeXml", () => {
  it.each([
    ["plain", "plain"],
    ["<script>", "&lt;script&gt;"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ['say "hi"', "say &quot;hi&quot;"],
    ["it's", "it&apos;s"],
    ["&amp;", "&amp;amp;"],
    ["Кот-д’Ивуар", "Кот-д’Ивуар"],
    ["bell\u0007 and nul\u0000 and \uFFFE gone, tab\tkept", "bell and nul and  gone, tab\tkept"],
    ["lone \uD800 surrogate", "lone  surrogate"],
    ["emoji 🇺🇦 kept", "emoji 🇺🇦 kept"],
  ])("%j → %j", (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});

describe("niceScale", () => {
  it.each([
    [0, 1, [0, 1]],
    [1, 1, [0, 1]],
    [3, 3, [0, 1, 2, 3]],
    [5, 5, [0, 1, 2, 3, 4, 5]],
    [7, 8, [0, 2, 4, 6, 8]],
    [12, 15, [0, 5, 10, 15]],
    [3_353, 4_000, [0, 1_000, 2_000, 3_000, 4_000]],
    [55_627, 60_000, [0, 20_000, 40_000, 60_000]],
    [100_000, 100_000, [0, 20_000, 40_000, 60_000, 80_000, 100_000]],
  ])("max %i → top %i", (max, top, ticks) => {
    expect(niceScale(max)).toEqual({ top, ticks });
  });
});

describe("estimateTextWidth", () => {
  // Measured with the shipped DejaVu Sans (fontkit): the estimate stays within 5 %.
  it.each([
    ["Source: Open letter of eleven Russian political prisoners, verified signatures, as of March 20, 2026 at 3:48 PM UTC", 15, false, 57.37 * 15],
    ["Источник: Открытое письмо одиннадцати российских политзаключённых, подтверждённые подписи, данные на 20 марта 2026 г. в 15:48 UTC", 15, false, 75.87 * 15],
    ["Соединенные Штаты", 18, false, 11.2 * 18],
    ["16 688", 18, true, 4.03 * 18],
  ])("%s", (text, size, bold, measured) => {
    expect(estimateTextWidth(text, size, bold) / measured).toBeGreaterThan(0.95);
    expect(estimateTextWidth(text, size, bold) / measured).toBeLessThan(1.05);
  });
});

describe("renderSignaturesOverTimeSvg", () => {
  const daily = [
    { day: "2026-03-01", count: 10 },
    { day: "2026-03-03", count: 7 },
    { day: "2026-03-02", count: 0 },
    { day: "2026-03-05", count: 3 },
  ];
  const render = (overrides: Partial<Parameters<typeof renderSignaturesOverTimeSvg>[0]> = {}) =>
    renderSignaturesOverTimeSvg({ daily, title: "Verified signatures over time", subtitle: "20 verified signatures", sourceLine: SOURCE, locale: "en", labels: overTimeLabels, ...overrides });

  it("is a standalone, accessible SVG document with the title, the panels' labels and the source line", () => {
    const svg = render();
    assertWellFormedXml(svg);
    expect(svg).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1200" height="675" viewBox="0 0 1200 675" role="img"/);
    expect(svg).toContain(`font-family="'DejaVu Sans', sans-serif"`);
    expect(svg).toContain(`<rect width="1200" height="675" fill="#ffffff"/>`);
    expect(svg).toContain(`<title id="chart-title">Verified signatures over time</title>`);
    expect(svg).toContain(`<desc id="chart-desc">20 verified signatures\n${SOURCE}</desc>`);
    const texts = visibleTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(["Verified signatures over time", "20 verified signatures", SOURCE, "Cumulative", "Per day"]));
  });

  it("draws the running total ending at the sum, one bar per day with a count (a missing day is a gap), and dated labels", () => {
    const svg = render();
    const texts = visibleTexts(svg);
    // The end of the cumulative line is labelled with the total.
    expect(texts).toContain("20");
    expect(svg.match(/<path /g)).toHaveLength(2);
    // 2026-03-02 (0) and 2026-03-04 (missing) have no bar; the others do, each with its number.
    expect(texts.filter((text) => /^2026-03-\d\d: /.test(text))).toEqual(["2026-03-01: 10", "2026-03-03: 7", "2026-03-05: 3"]);
    expect(texts).toEqual(expect.arrayContaining(["Mar 1", "Mar 5"]));
  });

  it("formats numbers and dates for the locale", () => {
    const svg = render({ daily: [{ day: "2026-03-01", count: 12_345 }], locale: "ru" });
    const texts = visibleTexts(svg);
    expect(texts).toContain("12\u00A0345");
    expect(texts).toContain("1 мар.");
  });

  it("escapes every text it is given", () => {
    const svg = render({ title: HOSTILE, subtitle: HOSTILE, sourceLine: HOSTILE, labels: { cumulative: HOSTILE, perDay: HOSTILE, empty: HOSTILE } });
    assertWellFormedXml(svg);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; &apos;single&apos;");
    expect(visibleTexts(svg).filter((text) => text === HOSTILE).length).toBeGreaterThanOrEqual(5);
  });

  it("says there is nothing yet instead of drawing an empty axis", () => {
    const svg = render({ daily: [] });
    assertWellFormedXml(svg);
    expect(visibleTexts(svg)).toContain("No verified signatures yet.");
    expect(svg).not.toContain("<path");
  });

  it("wraps a long source line instead of running off the edge", () => {
    const long = `Source: ${"a very long campaign title ".repeat(6)}, verified signatures, as of 1 March 2026`;
    const svg = render({ sourceLine: long });
    const lines = [...svg.matchAll(/<text [^>]*font-size="(\d+)"[^>]*>([^<]*)<\/text>/g)]
      .map((match) => ({ size: Number(match[1]), text: match[2]! }))
      .filter((line) => long.includes(line.text) && line.text.length > 20);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map((line) => line.text).join(" ")).toBe(long.replace(/\s+/g, " "));
    // Between the 48 px margins, at the smaller size tried first.
    for (const line of lines) {
      expect(line.size).toBe(14);
      expect(estimateTextWidth(line.text, line.size)).toBeLessThanOrEqual(1104);
    }
  });

  it("is valid SVG to librsvg, Cyrillic included", async () => {
    const svg = render({ title: "Динамика подтверждённых подписей", locale: "ru", sourceLine: "Источник: «Открытое письмо», данные на 3 марта 2026 г." });
    expect(svg).toContain("Динамика подтверждённых подписей");
    const metadata = await sharp(Buffer.from(svg)).metadata();
    expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({ format: "svg", width: 1200, height: 675 });
    await expect(sharp(Buffer.from(svg)).png().toBuffer()).resolves.toBeInstanceOf(Buffer);
  });
});

describe("renderCountriesSvg", () => {
  const countries: CountryCount[] = Array.from({ length: 18 }, (_, index) => ({
    code: `C${String.fromCharCode(65 + index)}`,
    name: `Country ${String.fromCharCode(65 + index)}`,
    count: 100 - index * 5,
  }));
  const render = (overrides: Partial<Parameters<typeof renderCountriesSvg>[0]> = {}) =>
    renderCountriesSvg({ countries, title: "Signatures by country (top 15)", subtitle: "Subtitle", sourceLine: SOURCE, locale: "en", labels: countriesLabels, ...overrides });

  it("draws the top 15 as bars with their counts, largest first, and one line for the rest", () => {
    const svg = render();
    assertWellFormedXml(svg);
    const texts = visibleTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(["Signatures by country (top 15)", SOURCE, "Verified signatures"]));
    const names = texts.filter((text) => /^Country [A-Z]$/.test(text));
    expect(names).toEqual(countries.slice(0, 15).map((row) => row.name));
    expect(texts).toContain("100");
    expect(texts).toContain("30");
    expect(texts).not.toContain("Country P");
    // 25 + 20 + 15 in three more countries.
    expect(texts).toContain("3 other countries: 60 signatures");
    expect(svg.match(/<rect x=/g)).toHaveLength(15);
  });

  it("orders ties by code, leaves out zero counts and has no 'other' line when all fit", () => {
    const svg = render({
      subtitle: "17 signatures",
      countries: [
        { code: "PL", name: "Poland", count: 5 },
        { code: "XK", name: "Kosovo", count: 0 },
        { code: "UA", name: "Ukraine", count: 7 },
        { code: "DE", name: "Germany", count: 5 },
      ],
    });
    const texts = visibleTexts(svg).filter((text) => /^[A-Z][a-z]+$/.test(text));
    expect(texts).toEqual(["Ukraine", "Germany", "Poland"]);
    expect(svg).not.toContain("other countries");
  });

  it("scales bars to the largest country", () => {
    const svg = render({ countries: [{ code: "UA", name: "Ukraine", count: 10 }, { code: "DE", name: "Germany", count: 5 }] });
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(2);
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.5, 2);
  });

  it("escapes country names and titles, in the bars, their tooltips and the description", () => {
    const svg = render({ title: HOSTILE, countries: [{ code: "XX", name: HOSTILE, count: 3 }] });
    assertWellFormedXml(svg);
    expect(svg).not.toContain("<script>");
    const texts = visibleTexts(svg);
    expect(texts).toContain(`${HOSTILE}: 3`);
    expect(texts.filter((text) => text.includes(HOSTILE)).length).toBeGreaterThanOrEqual(4);
  });

  it("shortens a very long name with an ellipsis", () => {
    const name = "The United Kingdom of Great Britain and Northern Ireland and its Overseas Territories";
    const svg = render({ countries: [{ code: "GB", name, count: 3 }] });
    const shown = visibleTexts(svg).find((text) => text.startsWith("The United Kingdom") && !text.includes(":"));
    expect(shown).toMatch(/…$/);
    expect(estimateTextWidth(shown!, 18)).toBeLessThanOrEqual(340);
    // The full name stays in the bar's tooltip and in the description.
    expect(visibleTexts(svg)).toContain(`${name}: 3`);
  });

  it("says there is nothing yet when no country has signed", () => {
    const svg = render({ countries: [] });
    assertWellFormedXml(svg);
    expect(visibleTexts(svg)).toContain("No verified signatures yet.");
    expect(svg).not.toContain("<rect x=");
  });

  it("is valid SVG to librsvg with Cyrillic names", async () => {
    const svg = render({ locale: "uk", title: "Підписи за країнами (топ-15)", countries: [{ code: "UA", name: "Україна", count: 12_345 }] });
    expect(visibleTexts(svg)).toEqual(expect.arrayContaining(["Україна", "12\u00A0345"]));
    await expect(sharp(Buffer.from(svg)).png().toBuffer()).resolves.toBeInstanceOf(Buffer);
  });
});

describe("the well-formedness check itself", () => {
  it.each([
    ["<svg><text>a & b</text></svg>", /bad entity/],
    ["<svg><text>a</svg>", /closes the wrong element/],
    ['<svg><text x="1>a</text></svg>', /malformed tag/],
    ["<svg/><svg/>", /2 root elements/],
  ])("refuses %s", (xml, message) => {
    expect(() => assertWellFormedXml(xml)).toThrow(message);
  });

  it("and so does librsvg for an unescaped ampersand", async () => {
    const broken = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>a & b</title></svg>';
    await expect(sharp(Buffer.from(broken)).png().toBuffer()).rejects.toThrow();
  });
});
