import { describe, expect, it } from "vitest";
import { buildEmbedCode, getShareToolkit } from "./share-toolkit";

describe("the share toolkit", () => {
  it("points every tool at the letter page under APP_URL, and offers the poster in every language", () => {
    // test/setup.ts sets APP_URL=http://app.test
    const toolkit = getShareToolkit({ locale: "ru", embedTitle: "Счётчик" });
    expect(toolkit).toEqual({
      campaignUrl: "http://app.test/ru",
      qrSvgPath: "/ru/share/qr.svg",
      qrPngPath: "/ru/share/qr.png?size=2048",
      previewImagePath: "/ru/og.png",
      embedPreviewPath: "/embed/counter?locale=ru",
      posters: [
        { locale: "en", path: "/en/share/poster.pdf" },
        { locale: "ru", path: "/ru/share/poster.pdf" },
        { locale: "uk", path: "/uk/share/poster.pdf" },
      ],
      embedCode:
        '<iframe src="http://app.test/embed/counter?locale=ru" title="Счётчик" width="360" height="240" style="border:0; max-width:100%" loading="lazy"></iframe>',
    });
  });

  it("writes the embed code's title as an attribute value, whatever it contains", () => {
    const code = buildEmbedCode({ appUrl: "https://sign.example.org", locale: "uk", title: 'A "quoted" <b>title</b> & more' });
    expect(code).toBe(
      '<iframe src="https://sign.example.org/embed/counter?locale=uk" title="A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more" width="360" height="240" style="border:0; max-width:100%" loading="lazy"></iframe>',
    );
  });
});
