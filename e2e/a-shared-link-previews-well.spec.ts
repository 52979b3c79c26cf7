import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { PDFParse } from "pdf-parse";
import sharp from "sharp";
import { expect, test } from "./support/fixtures";
import { scanQr } from "./support/qr";

type CampaignText = { title: string; lede: string };
const english = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "content", "en.json"), "utf8")) as CampaignText;

/** The content of `<meta property|name="key" content="…">` in server-rendered HTML (what a crawler reads, no JavaScript). */
function readMeta(html: string, key: string): string | undefined {
  for (const tag of html.match(/<meta\s[^>]*>/g) ?? []) {
    const name = /\s(?:property|name)="([^"]*)"/.exec(tag)?.[1];
    if (name === key) return decodeEntities(/\scontent="([^"]*)"/.exec(tag)?.[1] ?? "");
  }
  return undefined;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Width and height from a PNG's IHDR chunk (big-endian, at bytes 16 and 20). */
function readPngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "PNG signature").toBe(true);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * The letter page's HTML once its link-preview tags carry this server's
 * URL. The page is prerendered at build, when the public URL is not known:
 * the first response after a start may still name the build's URL, and
 * that request regenerates the page (ISR, 10 s; decision 0009).
 */
async function readLetterPage(request: APIRequestContext, locale: string, baseURL: string): Promise<string> {
  let html = "";
  await expect
    .poll(
      async () => {
        const response = await request.get(`/${locale}`);
        expect(response.status()).toBe(200);
        html = await response.text();
        return readMeta(html, "og:url");
      },
      { message: "og:url names the running server", timeout: 20_000 },
    )
    .toBe(`${baseURL}/${locale}`);
  return html;
}

test.describe("a shared link previews well", () => {
  test("the letter page tells crawlers its title, summary, link and preview image", async ({ request, baseURL }) => {
    const html = await readLetterPage(request, "en", baseURL!);
    expect(readMeta(html, "og:title")).toBe(english.title);
    expect(readMeta(html, "og:description")).toBe(english.lede);
    expect(readMeta(html, "og:type")).toBe("website");
    expect(readMeta(html, "og:site_name")).toBe("Undersigned");
    expect(readMeta(html, "og:locale")).toBe("en_GB");
    expect(readMeta(html, "og:image")).toBe(`${baseURL}/en/og.png`);
    expect(readMeta(html, "og:image:width")).toBe("1200");
    expect(readMeta(html, "og:image:height")).toBe("630");
    expect(readMeta(html, "og:image:alt")).toBeTruthy();
    expect(readMeta(html, "twitter:card")).toBe("summary_large_image");
    expect(readMeta(html, "twitter:image")).toBe(`${baseURL}/en/og.png`);
  });

  test("the Russian page previews in Russian", async ({ request, baseURL }) => {
    const russian = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "content", "ru.json"), "utf8")) as CampaignText;
    const html = await readLetterPage(request, "ru", baseURL!);
    expect(readMeta(html, "og:title")).toBe(russian.title);
    expect(readMeta(html, "og:locale")).toBe("ru_RU");
    expect(readMeta(html, "og:image")).toBe(`${baseURL}/ru/og.png`);
  });

  test("the preview image is a 1200×630 PNG, cached for a minute", async ({ request, baseURL }) => {
    const html = await readLetterPage(request, "en", baseURL!);
    for (const url of [readMeta(html, "og:image")!, "/ru/og.png", "/uk/og.png"]) {
      const response = await request.get(url);
      expect(response.status(), url).toBe(200);
      expect(response.headers()["content-type"], url).toBe("image/png");
      expect(response.headers()["cache-control"], url).toContain("s-maxage=60");
      expect(readPngSize(await response.body()), url).toEqual({ width: 1200, height: 630 });
    }
  });

  test("the QR code scans to the letter page, as PNG and as SVG", async ({ request, baseURL }) => {
    const png = await request.get("/en/share/qr.png");
    expect(png.status()).toBe(200);
    expect(png.headers()["content-type"]).toBe("image/png");
    expect(png.headers()["cache-control"]).toBe("public, max-age=3600");
    expect(await scanQr(await png.body())).toBe(`${baseURL}/en`);

    const sized = await request.get("/uk/share/qr.png?size=256");
    expect(readPngSize(await sized.body())).toEqual({ width: 256, height: 256 });
    expect(await scanQr(await sized.body())).toBe(`${baseURL}/uk`);
    const huge = await request.get("/en/share/qr.png?size=100000");
    expect(readPngSize(await huge.body())).toEqual({ width: 2048, height: 2048 });

    const svg = await request.get("/ru/share/qr.svg");
    expect(svg.status()).toBe(200);
    expect(svg.headers()["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(svg.headers()["cache-control"]).toBe("public, max-age=3600");
    const markup = (await svg.text()).replace("<svg ", '<svg width="400" height="400" ');
    expect(await scanQr(await sharp(Buffer.from(markup)).png().toBuffer())).toBe(`${baseURL}/ru`);
  });

  test("the printable poster is a one-page PDF with this server's link", async ({ request, baseURL }) => {
    for (const locale of ["en", "ru", "uk"]) {
      const response = await request.get(`/${locale}/share/poster.pdf`);
      expect(response.status(), locale).toBe(200);
      expect(response.headers()["content-type"], locale).toBe("application/pdf");
      expect(response.headers()["cache-control"], locale).toBe("public, max-age=3600");
      const pdf = await response.body();
      expect(pdf.subarray(0, 5).toString("latin1"), locale).toBe("%PDF-");
      const parser = new PDFParse({ data: new Uint8Array(pdf) });
      try {
        const text = await parser.getText();
        expect(text.total, locale).toBe(1);
        expect(text.text, locale).toContain(`${new URL(baseURL!).host}/${locale}`);
      } finally {
        await parser.destroy();
      }
    }
  });

  test("a language that does not exist has no preview image, QR code or poster", async ({ request }) => {
    for (const url of ["/xx/og.png", "/xx/share/qr.png", "/xx/share/qr.svg", "/xx/share/poster.pdf"]) {
      expect((await request.get(url)).status(), url).toBe(404);
    }
  });
});
