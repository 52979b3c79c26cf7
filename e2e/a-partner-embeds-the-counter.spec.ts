import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { IntlMessageFormat } from "intl-messageformat";
import { confirmByLink, expect, readTotal, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";

type Messages = { Count: { signatures: string }; Embed: { signCta: string; newTab: string } };
const ru = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "messages", "ru.json"), "utf8")) as Messages;
const ruCampaign = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "content", "ru.json"), "utf8")) as { shortTitle: string };

/** "21 подпись", "3 подписи", "5 подписей": the count as the Russian widget must show it. */
function russianCount(count: number): string {
  return String(new IntlMessageFormat(ru.Count.signatures, "ru").format({ count }));
}

type PartnerSite = { url: string; close: () => Promise<void> };

/** A partner's site on another origin (its own port on loopback): one page that frames `widgetUrl`. */
async function startPartnerSite(widgetUrl: string, frameTitle: string): Promise<PartnerSite> {
  const html = `<!doctype html>
<html lang="ru">
  <head><meta charset="utf-8"><title>Partner</title><link rel="icon" href="data:,"></head>
  <body>
    <h1>Наши новости</h1>
    <iframe src="${widgetUrl}" title="${frameTitle}" width="360" height="240" style="border:0"></iframe>
  </body>
</html>`;
  const server = http.createServer((request, response) => {
    if (request.url !== "/") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Signs through the public API from `country` and confirms from the email, in `page`. */
async function signAndConfirm(request: APIRequestContext, page: Page, country: string): Promise<void> {
  const email = uniqueEmail("embed");
  const response = await request.post("/api/v1/signatures", {
    data: await withProofOfWork(request, { name: uniqueName("Kim"), email, country, acceptPrivacy: true, locale: "en" }),
  });
  expect(response.status()).toBe(202);
  const message = await waitForEmail(email);
  await confirmByLink(page, extractLink(message.text, "/en/confirm?token="));
}

test.describe("a partner embeds the counter", () => {
  test("a partner's page on another origin shows the live count in Russian, and it counts a new signature without a reload", async ({
    page,
    request,
    baseURL,
  }) => {
    const widgetUrl = `${baseURL}/embed/counter?locale=ru`;
    const frameTitle = "Счётчик подписей под открытым письмом";
    const partner = await startPartnerSite(widgetUrl, frameTitle);
    try {
      const before = await readTotal(request);
      const widget = page.frameLocator(`iframe[title="${frameTitle}"]`);

      await test.step("the framed widget shows the title and the count with its Russian plural", async () => {
        await page.goto(partner.url);
        await expect(widget.locator("html")).toHaveAttribute("lang", "ru");
        await expect(widget.getByRole("heading", { level: 1 })).toHaveText(ruCampaign.shortTitle);
        await expect(widget.getByTestId("signature-count")).toHaveText(russianCount(before));
        await expect(widget.getByRole("progressbar")).toBeVisible();
        // Not redirected to a locale path: the partner's URL is the one that stays.
        expect(page.frames().map((frame) => frame.url())).toContain(widgetUrl);
      });

      await test.step("“Sign the letter” opens the Russian letter page in a new tab", async () => {
        const link = widget.getByRole("link", { name: `${ru.Embed.signCta} ${ru.Embed.newTab}` });
        await expect(link).toHaveAttribute("href", `${baseURL}/ru`);
        await expect(link).toHaveAttribute("target", "_blank");
        await expect(link).toHaveAttribute("rel", /\bnoopener\b/);
      });

      await test.step("someone confirms a signature elsewhere: the widget shows one more, by itself", async () => {
        await signAndConfirm(request, await page.context().newPage(), "PL");
        await expect(widget.getByTestId("signature-count")).toHaveText(russianCount(before + 1), { timeout: 20_000 });
      });
    } finally {
      await partner.close();
    }
  });

  test("the widget has no WCAG 2.1 AA violations", async ({ page }) => {
    await page.goto("/embed/counter?locale=uk");
    await expect(page.getByTestId("signature-count")).toBeVisible();
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(results.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
  });

  test("only /embed may be framed by other origins; every other page refuses framing", async ({ request }) => {
    for (const locale of ["en", "ru", "uk"]) {
      const response = await request.get(`/embed/counter?locale=${locale}`, { maxRedirects: 0 });
      expect(response.status()).toBe(200);
      const headers = response.headersArray().map(({ name, value }) => ({ name: name.toLowerCase(), value }));
      expect(headers.filter(({ name }) => name === "x-frame-options")).toEqual([]);
      const policies = headers.filter(({ name }) => name === "content-security-policy").map(({ value }) => value);
      expect(policies).toHaveLength(1);
      expect(policies[0]).toContain("frame-ancestors *");
      expect(policies[0]).not.toContain("'none'; base-uri");
      expect(policies[0]).toContain("default-src 'self'");
      // Prerendered and regenerated in the background (ISR), so a CDN may hold it.
      expect(response.headers()["cache-control"]).toContain("s-maxage=10");
      expect(await response.text()).toContain(`<html lang="${locale}"`);
    }
    const withoutLocale = await request.get("/embed/counter", { maxRedirects: 0 });
    expect(withoutLocale.status()).toBe(200);
    expect(await withoutLocale.text()).toContain('<html lang="en"');

    for (const pathname of ["/en", "/ru/signers", "/en/privacy", "/api/v1/stats", "/admin/login"]) {
      const response = await request.get(pathname, { maxRedirects: 0 });
      expect(response.status(), pathname).toBe(200);
      expect(response.headers()["x-frame-options"], pathname).toBe("DENY");
      const policies = response.headersArray().filter(({ name }) => name.toLowerCase() === "content-security-policy");
      expect(policies, pathname).toHaveLength(1);
      expect(policies[0]!.value, pathname).toContain("frame-ancestors 'none'");
    }
  });
});

test.describe("the map of signatures", () => {
  test.use({ javaScriptEnabled: false });

  test("the list of signers shows a world map of signatures per country, without JavaScript", async ({ page, request }) => {
    await signAndConfirm(request, page, "NZ");
    await page.goto("/en/signers");
    const map = page.getByRole("img", { name: "Signatures by country on a map" });
    await expect(map).toBeVisible();
    expect(await map.locator("path").count()).toBeGreaterThan(170);
    const newZealand = map.locator("path", { has: page.locator("title", { hasText: /^New Zealand: [\d,]+ signatures?$/ }) });
    await expect(newZealand).toHaveAttribute("fill", /^#[0-9a-f]{6}$/);
    const nobody = map.locator("path", { has: page.locator("title", { hasText: /: no signatures yet$/ }) }).first();
    await expect(nobody).not.toHaveAttribute("fill", /.*/);
    await expect(page.getByText("Confirmed signatures per country")).toBeVisible();
    const toTable = page.getByRole("link", { name: "table of signatures by country" });
    await expect(toTable).toHaveAttribute("href", "#countries-table");
    await expect(page.getByRole("table", { name: "Signatures by country" })).toHaveAttribute("id", "countries-table");
    await expect(page.getByRole("table", { name: "Signatures by country" }).getByRole("row", { name: /New Zealand/ })).toBeVisible();
  });
});
