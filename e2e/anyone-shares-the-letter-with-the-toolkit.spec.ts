import fs from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import sharp from "sharp";
import { confirmByLink, expect, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";
import { scanQr, scanQrWithZbar } from "./support/qr";

type ToolkitText = Record<
  "title" | "linkLabel" | "shareText" | "qrAlt" | "qrPng" | "qrSvg" | "posterHeading" | "posterLink" | "embedCode" | "embedTitle" | "previewDownload" | "toolkitLink",
  string
>;
type Messages = {
  Site: { name: string; nav: { share: string } };
  Share: { imageAlt: string; page: ToolkitText };
};
const messages = (locale: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "messages", `${locale}.json`), "utf8")) as Messages;
const campaignTitle = (locale: string) =>
  (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "content", `${locale}.json`), "utf8")) as { title: string }).title;

/**
 * The QR code as the page shows it, read twice: the pixels on screen (with
 * the page around it, as a camera would see them) by zbarimg, and the bytes
 * the page embeds (the image's own URL) by jsQR.
 */
async function readShownQrCode(page: Page, image: Locator): Promise<{ onScreen: string | undefined; embedded: string | undefined }> {
  await image.scrollIntoViewIfNeeded();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const box = (await image.boundingBox())!;
  const margin = 16;
  const onScreen = await scanQrWithZbar(
    await page.screenshot({ clip: { x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin } }),
  );
  const source = await image.evaluate((img: HTMLImageElement) => img.currentSrc);
  const response = await page.request.get(source);
  expect(response.status()).toBe(200);
  // Drawn at 400 px, as the browser scales the SVG.
  const markup = (await response.text()).replace("<svg ", '<svg width="400" height="400" ');
  const embedded = await scanQr(await sharp(Buffer.from(markup)).png().toBuffer());
  return { onScreen, embedded };
}

test.describe("anyone can share the letter with the toolkit, signed or not", () => {
  test("a visitor who has not signed finds the toolkit in the header and takes the link, the QR code, the poster, the counter and the preview", async ({
    page,
    baseURL,
    request,
  }) => {
    const en = messages("en").Share.page;
    const campaignUrl = `${baseURL}/en`;

    await test.step("the letter page's header links to the toolkit", async () => {
      await page.goto("/en");
      await page.getByRole("navigation", { name: "Undersigned" }).getByRole("link", { name: "Share", exact: true }).click();
      await expect(page).toHaveURL(/\/en\/share$/);
      await expect(page.getByRole("heading", { level: 1, name: en.title })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Undersigned" }).getByRole("link", { name: "Share", exact: true })).toHaveAttribute(
        "aria-current",
        "page",
      );
    });

    await test.step("the campaign link is selectable text in a labelled field, with a copy button and plain share links", async () => {
      await expect(page.getByLabel(en.linkLabel)).toHaveValue(campaignUrl);
      await expect(page.getByRole("button", { name: "Copy the link" })).toBeVisible();
      const telegram = page.getByRole("list", { name: "Share on" }).getByRole("link", { name: "Telegram" });
      await expect(telegram).toHaveAttribute("href", `https://t.me/share/url?url=${encodeURIComponent(campaignUrl)}&text=${encodeURIComponent(en.shareText)}`);
    });

    await test.step("the QR code shown on the page opens the letter", async () => {
      const qr = page.getByRole("img", { name: `QR code that opens ${campaignUrl}` });
      const read = await readShownQrCode(page, qr);
      expect(read).toEqual({ onScreen: campaignUrl, embedded: campaignUrl });
    });

    await test.step("the QR code downloads as PNG and as SVG", async () => {
      const png = page.getByRole("link", { name: en.qrPng });
      await expect(png).toHaveAttribute("download", "qr-en.png");
      const pngResponse = await request.get((await png.getAttribute("href"))!);
      expect(pngResponse.headers()["content-type"]).toBe("image/png");
      expect(await sharp(await pngResponse.body()).metadata()).toMatchObject({ width: 2048, height: 2048 });
      const svg = page.getByRole("link", { name: en.qrSvg });
      await expect(svg).toHaveAttribute("download", "qr-en.svg");
      expect((await request.get((await svg.getAttribute("href"))!)).headers()["content-type"]).toMatch(/^image\/svg\+xml/);
    });

    await test.step("the poster is offered in every language", async () => {
      const posters = page.getByRole("region", { name: en.posterHeading }).getByRole("link");
      await expect(posters).toHaveCount(3);
      for (const [locale, language] of [
        ["en", "English"],
        ["ru", "Русский"],
        ["uk", "Українська"],
      ]) {
        const link = page.getByRole("link", { name: `${en.posterLink} ${language}` });
        await expect(link).toHaveAttribute("href", `/${locale}/share/poster.pdf`);
        await expect(link).toHaveAttribute("hreflang", locale!);
        const response = await request.get(`/${locale}/share/poster.pdf`);
        expect(response.headers()["content-type"], locale).toBe("application/pdf");
      }
    });

    await test.step("the embed code frames the counter under the campaign's address, and the preview shows the live count", async () => {
      const code = await page.getByLabel(en.embedCode).inputValue();
      expect(code).toContain(`<iframe src="${baseURL}/embed/counter?locale=en" title="${en.embedTitle}"`);
      const preview = page.frameLocator(`iframe[title="${en.embedTitle}"]`);
      await expect(preview.getByTestId("signature-count")).toHaveAttribute("data-total", /^\d+$/);
      await expect(preview.getByRole("link", { name: /Sign the letter/ })).toHaveAttribute("href", campaignUrl);
    });

    await test.step("the link-preview image is shown, with its text alternative, and downloads", async () => {
      const image = page.getByRole("img", { name: messages("en").Share.imageAlt.replace("{title}", campaignTitle("en")) });
      await image.scrollIntoViewIfNeeded();
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
      await expect(page.getByRole("link", { name: en.previewDownload })).toHaveAttribute("href", "/en/og.png");
    });
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    for (const locale of ["ru", "uk"] as const) {
      test(`the ${locale} toolkit works as a plain page: header link, link, QR code to /${locale}, embed code and preview`, async ({ page, baseURL }) => {
        const text = messages(locale);
        const campaignUrl = `${baseURL}/${locale}`;
        await page.goto(`/${locale}`);
        await page.getByRole("navigation", { name: text.Site.name }).getByRole("link", { name: text.Site.nav.share, exact: true }).click();
        await expect(page).toHaveURL(new RegExp(`/${locale}/share$`));
        await expect(page.getByRole("heading", { level: 1, name: text.Share.page.title })).toBeVisible();
        await expect(page.getByLabel(text.Share.page.linkLabel)).toHaveValue(campaignUrl);
        const qr = page.getByRole("img", { name: text.Share.page.qrAlt.replace("{url}", campaignUrl) });
        expect(await readShownQrCode(page, qr)).toEqual({ onScreen: campaignUrl, embedded: campaignUrl });
        expect(await page.getByLabel(text.Share.page.embedCode).inputValue()).toContain(`src="${baseURL}/embed/counter?locale=${locale}"`);
        const preview = page.frameLocator(`iframe[title="${text.Share.page.embedTitle}"]`);
        await expect(preview.locator("html")).toHaveAttribute("lang", locale);
        await expect(preview.getByTestId("signature-count")).toBeVisible();
      });
    }
  });

  test("the thanks, confirmed and private pages link to the toolkit", async ({ page, request }) => {
    const toolkit = messages("en").Share.page.toolkitLink!;
    const email = uniqueEmail("toolkit");
    const response = await request.post("/api/v1/signatures", {
      data: await withProofOfWork(request, { name: uniqueName("Tova"), email, country: "SE", acceptPrivacy: true, locale: "en" }),
    });
    expect(response.status()).toBe(202);

    await page.goto("/en/thanks");
    await expect(page.getByRole("link", { name: toolkit })).toHaveAttribute("href", "/en/share");

    const message = await waitForEmail(email);
    await confirmByLink(page, extractLink(message.text, "/en/confirm?token="));
    await expect(page.getByRole("link", { name: toolkit })).toHaveAttribute("href", "/en/share");

    await page.goto(extractLink(message.text, "/en/my?token="));
    await expect(page.getByRole("heading", { level: 1, name: "Your page" })).toBeVisible();
    await page.getByRole("link", { name: toolkit }).click();
    await expect(page).toHaveURL(/\/en\/share$/);
  });
});
