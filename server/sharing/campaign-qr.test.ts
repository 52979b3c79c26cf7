import jsQR from "jsqr";
import QRCode from "qrcode";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locales";
import {
  formatShortLink,
  getCampaignUrl,
  getQrModules,
  parseQrPngSize,
  QR_PNG_SIZE,
  renderCampaignQrPng,
  renderCampaignQrSvg,
} from "./campaign-qr";

/** Decodes the QR code in any image sharp reads (PNG, SVG) with jsQR. */
async function decodeQr(image: Buffer | string): Promise<{ text: string | undefined; width: number; height: number }> {
  const { data, info } = await sharp(typeof image === "string" ? Buffer.from(image) : image)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  return { text: code?.data, width: info.width, height: info.height };
}

describe("the campaign link", () => {
  it("is the letter page under APP_URL, and prints without the scheme", () => {
    // test/setup.ts sets APP_URL=http://app.test
    expect(getCampaignUrl("ru")).toBe("http://app.test/ru");
    expect(getCampaignUrl("uk", { appUrl: "https://sign.example.org" })).toBe("https://sign.example.org/uk");
    expect(formatShortLink("https://sign.example.org/uk")).toBe("sign.example.org/uk");
    expect(formatShortLink("http://127.0.0.1:3000/en")).toBe("127.0.0.1:3000/en");
  });
});

describe("parseQrPngSize", () => {
  it.each([
    [null, QR_PNG_SIZE.default],
    [undefined, QR_PNG_SIZE.default],
    ["", QR_PNG_SIZE.default],
    ["  ", QR_PNG_SIZE.default],
    ["big", QR_PNG_SIZE.default],
    ["Infinity", QR_PNG_SIZE.default],
    ["NaN", QR_PNG_SIZE.default],
    ["0", 128],
    ["-40", 128],
    ["64", 128],
    ["128", 128],
    ["300", 300],
    ["300.6", 301],
    ["1e3", 1000],
    ["2048", 2048],
    ["99999999", 2048],
  ])("%j → %i", (raw, expected) => {
    expect(parseQrPngSize(raw)).toBe(expected);
  });
});

describe("the campaign QR code", () => {
  it.each(LOCALES)("the %s PNG scans back to the letter's link", async (locale) => {
    const png = await renderCampaignQrPng(locale);
    const decoded = await decodeQr(png);
    expect(decoded).toEqual({ text: `http://app.test/${locale}`, width: QR_PNG_SIZE.default, height: QR_PNG_SIZE.default });
  });

  it.each([128, 333, 2048])("a %i px PNG is exactly that size and still scans", async (size) => {
    const png = await renderCampaignQrPng("en", { size, appUrl: "https://sign.example.org" });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(size);
    expect(png.readUInt32BE(20)).toBe(size);
    expect((await decodeQr(png)).text).toBe("https://sign.example.org/en");
  });

  it("clamps sizes out of range", async () => {
    const png = await renderCampaignQrPng("en", { size: 100_000 });
    expect(png.readUInt32BE(16)).toBe(QR_PNG_SIZE.max);
  });

  it("matches what qrcode renders itself at the same size (error correction M, margin 2)", async () => {
    const url = "http://app.test/uk";
    const reference = await QRCode.toBuffer(url, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 330 });
    const ours = await renderCampaignQrPng("uk", { size: 330 });
    const pixels = (image: Buffer) => sharp(image).greyscale().raw().toBuffer();
    // Same modules, same quiet zone: only the rounding of module edges may differ.
    const [a, b] = await Promise.all([pixels(reference), pixels(ours)]);
    expect(a.length).toBe(b.length);
    const differing = a.reduce((count, value, index) => count + (Math.abs(value - b[index]!) > 128 ? 1 : 0), 0);
    expect(differing / a.length).toBeLessThan(0.03);
  });

  it.each(LOCALES)("the %s SVG scans back to the letter's link", async (locale) => {
    const svg = await renderCampaignQrSvg(locale);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
    // Rasterised at a scanner-friendly size.
    const png = await sharp(Buffer.from(svg.replace("<svg ", '<svg width="400" height="400" '))).png().toBuffer();
    expect((await decodeQr(png)).text).toBe(`http://app.test/${locale}`);
  });

  it("exposes the symbol's modules for vector drawing", () => {
    const modules = getQrModules("http://app.test/en");
    const reference = QRCode.create("http://app.test/en", { errorCorrectionLevel: "M" }).modules;
    expect(modules.size).toBe(reference.size);
    // The finder pattern's corner is dark, the separator beside it light.
    expect(modules.isDark(0, 0)).toBe(true);
    expect(modules.isDark(7, 7)).toBe(false);
    for (let row = 0; row < modules.size; row += 1) {
      for (let column = 0; column < modules.size; column += 1) {
        expect(modules.isDark(row, column)).toBe(Boolean(reference.get(row, column)));
      }
    }
  });
});
