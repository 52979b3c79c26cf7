import { expect, test } from "./support/fixtures";
import { publishUpdateThroughAdmin } from "./support/updates";

/**
 * A reader in Russia must not be exposed to, or tracked by, any other site
 * (see /work/shared/CAMPAIGN.md): the public pages load fonts, scripts,
 * styles and images only from the app itself.
 */
const PUBLIC_PAGES = [
  "/en",
  "/ru",
  "/uk",
  "/en/signers",
  "/en/privacy",
  "/en/safety",
  "/en/share",
  "/ru/share",
  "/uk/share",
  "/en/thanks",
  "/en/updates",
  "/ru/updates",
  "/en/confirm?token=not-a-real-token",
  "/embed/counter?locale=ru",
];

/** The origin of `url`, or undefined for what the browser makes itself (data:, blob:, about:). */
function originOf(url: string): string | undefined {
  const parsed = new URL(url);
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
}

// One published update (with a link to another site: a link loads nothing), so its page is checked too.
const UPDATE_PATH = "/en/updates/an-update-with-a-link-elsewhere";
test.beforeAll(async ({ browser }, testInfo) => {
  const path = await publishUpdateThroughAdmin(browser, String(testInfo.project.use.baseURL), {
    texts: {
      en: { title: "An update with a link elsewhere", body: "Read [the report](https://example.org/report). ![a picture](https://example.org/pixel.png)" },
      ru: { title: "Новость со ссылкой", body: "Читайте [отчёт](https://example.org/report)." },
    },
  });
  expect(path).toBe(UPDATE_PATH);
});

for (const pagePath of [...PUBLIC_PAGES, UPDATE_PATH, UPDATE_PATH.replace("/en/", "/ru/")]) {
  test(`${pagePath} loads nothing from other sites`, async ({ page, baseURL }) => {
    const appOrigin = new URL(baseURL!).origin;
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));

    const response = await page.goto(pagePath, { waitUntil: "networkidle" });
    expect(response, `an answer for ${pagePath}`).not.toBeNull();
    expect(requested.length, "the page made requests").toBeGreaterThan(0);

    const elsewhere = requested.filter((url) => {
      const origin = originOf(url);
      return origin !== undefined && origin !== appOrigin;
    });
    expect(elsewhere, `requests from ${pagePath} to other origins`).toEqual([]);

    // Also what the HTML asks for, loaded or not yet (lazy images, preloads).
    const references = await page.evaluate(() =>
      [
        ...[...document.querySelectorAll<HTMLScriptElement>("script[src]")].map((element) => element.src),
        ...[...document.querySelectorAll<HTMLLinkElement>("link[href]")].map((element) => element.href),
        ...[...document.querySelectorAll<HTMLImageElement>("img[src]")].map((element) => element.src),
        ...[...document.querySelectorAll<HTMLIFrameElement>("iframe[src]")].map((element) => element.src),
        ...[...document.querySelectorAll<HTMLElement>("img[srcset], source[srcset]")].flatMap((element) =>
          (element.getAttribute("srcset") ?? "").split(",").map((entry) => new URL(entry.trim().split(/\s+/)[0]!, document.baseURI).href),
        ),
      ].filter(Boolean),
    );
    const referencedElsewhere = references.filter((url) => {
      const origin = originOf(url);
      return origin !== undefined && origin !== appOrigin;
    });
    expect(referencedElsewhere, `script/link/img/iframe in ${pagePath} pointing to other origins`).toEqual([]);
  });
}
