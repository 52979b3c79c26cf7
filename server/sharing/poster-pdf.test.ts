import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import jsQR from "jsqr";
import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import { MESSAGE_CATALOGS } from "@/lib/i18n/catalog";
import { LOCALES } from "@/lib/i18n/locales";
import { getCampaign } from "@/server/content/get-campaign";
import { getCampaignPoster, getPosterText, renderPosterPdf } from "./poster-pdf";

const require = createRequire(import.meta.url);

type ParsedPdf = { text: string; pages: number; firstPage?: { data: Uint8Array; width: number; height: number } };

/** pdf-parse 2: the text of every page, the page count and, if asked, page 1 rendered at 2×. */
async function parsePdf(data: Buffer, options: { render?: boolean } = {}): Promise<ParsedPdf> {
  const { PDFParse } = require("pdf-parse") as typeof import("pdf-parse");
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    const result = await parser.getText();
    const shot = options.render ? await parser.getScreenshot({ partial: [1], scale: 2, imageDataUrl: false }) : undefined;
    return { text: result.text, pages: result.total, firstPage: shot?.pages[0] };
  } finally {
    await parser.destroy();
  }
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

describe("the campaign poster", () => {
  it("in Russian prints the title, the five demands in Russian, the call to action and the link, on one page", async () => {
    const pdf = await getCampaignPoster("ru");
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const parsed = await parsePdf(pdf);
    expect(parsed.pages).toBe(1);
    const text = squash(parsed.text);
    const campaign = getCampaign("ru");
    expect(text).toContain(campaign.title);
    expect(campaign.demands).toHaveLength(5);
    for (const demand of campaign.demands) {
      expect(text).toContain(demand.title);
      expect(text).toContain(squash(demand.text));
    }
    const t = createTranslator({ locale: "ru", messages: MESSAGE_CATALOGS.ru, namespace: "Share" });
    expect(text).toContain(t("demandsHeading"));
    expect(text).toContain(t("signCta"));
    expect(text).toContain(t("scanToSign"));
    expect(text).toContain("app.test/ru");
  });

  it("uses only the shipped DejaVu fonts, never the built-in Helvetica", async () => {
    const raw = (await getCampaignPoster("uk")).toString("latin1");
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    expect(raw).not.toMatch(/Helvetica|Times-Roman|Courier/);
  });

  it("links the QR code and the printed link to the letter page", async () => {
    const raw = (await getCampaignPoster("en")).toString("latin1");
    expect(raw).toContain("(http://app.test/en)");
  });

  it.each(LOCALES)("the %s poster's QR code scans to the letter page", async (locale) => {
    const { firstPage } = await parsePdf(await getCampaignPoster(locale, { appUrl: "https://sign.example.org" }), { render: true });
    const { default: sharp } = await import("sharp");
    const { data, info } = await sharp(Buffer.from(firstPage!.data)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
    expect(code?.data).toBe(`https://sign.example.org/${locale}`);
  });

  it("is rendered once per locale and link", async () => {
    expect(getCampaignPoster("en")).toBe(getCampaignPoster("en"));
    expect(getCampaignPoster("en", { appUrl: "https://other.example" })).not.toBe(getCampaignPoster("en"));
  });

  it("stays on one page with many long demands, a long title and a long link", async () => {
    const text = getPosterText("en");
    const long = {
      ...text,
      title: `${text.title} ${text.title} ${text.title}`,
      demands: Array.from({ length: 9 }, (_, index) => ({
        title: `${text.demands[index % 5]!.title} ${text.demands[index % 5]!.title}`,
        text: `${text.demands[index % 5]!.text} ${text.demands[index % 5]!.text}`,
      })),
      url: "https://a-very-long-campaign-domain-name.example.org/en",
      shortLink: "a-very-long-campaign-domain-name.example.org/en",
    };
    const parsed = await parsePdf(await renderPosterPdf("en", long));
    expect(parsed.pages).toBe(1);
    expect(squash(parsed.text)).toContain(long.demands[8]!.title);
  });
});

describe("the shipped fonts", () => {
  type Font = { hasGlyphForCodePoint(codePoint: number): boolean };
  const fontkit = require("fontkit") as { openSync(file: string): Font };
  const fontDir = path.join(process.cwd(), "assets", "fonts");
  const fonts = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((file) => fontkit.openSync(path.join(fontDir, file)));

  // next/og would fetch a font from Google for a missing glyph, and pdfkit
  // would print a blank box: every character the poster and the link
  // preview can print must be in both weights.
  it.each(LOCALES)("draw every character of the %s poster and link preview", (locale) => {
    const campaign = getCampaign(locale);
    const messages = MESSAGE_CATALOGS[locale];
    const count = createTranslator({ locale, messages, namespace: "Count" });
    const share = createTranslator({ locale, messages, namespace: "Share" });
    const poster = getPosterText(locale);
    const printed = [
      ...Object.values(poster).flatMap((value) => (typeof value === "string" ? [value] : value.flatMap((demand) => [demand.title, demand.text]))),
      poster.kicker.toLocaleUpperCase(),
      messages.Site.name,
      ...[0, 1, 2, 5, 21, 12_345, 1_234_567].map((n) => count("signatures", { count: n })),
      share("goalProgress", { percent: 12, goal: campaign.goal }),
      share("imageAlt", { title: campaign.title }),
    ].join("");
    const missing = [...new Set(printed)].filter((character) => fonts.some((font) => !font.hasGlyphForCodePoint(character.codePointAt(0)!)));
    expect(missing).toEqual([]);
  });

  it("ship with their licence", () => {
    expect(fs.existsSync(path.join(fontDir, "DejaVu-LICENSE.txt"))).toBe(true);
  });
});
