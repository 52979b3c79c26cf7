import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { confirmByLink, expect, readTotal, test } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { signInAs } from "./support/organizers";
import { withProofOfWork } from "./support/proof-of-work";

// Abuse resistance, bad input: names written as attacks are shown as text on
// every page that shows a name. A payload that ran would set window.__xss or
// open a dialog; either fails the test.

const COUNTRY = "IS";
const run = `Xss${randomBytes(3).toString("hex")}`;
const PAYLOADS = [
  "<script>window.__xss=1</script>",
  "<script>alert(1)</script>",
  '"><img src=x onerror="window.__xss=1">',
  "<svg onload=window.__xss=1>",
  "javascript:window.__xss=1",
  // Bracketed: "constructor.constructor" reads as a domain name, which names refuse (decision 0017).
  "{{constructor['constructor']('window.__xss=1')()}}",
  "</title><script>window.__xss=1</script>",
  '<a href="javascript:window.__xss=1">x</a>',
];
const signers = [
  ...PAYLOADS.map((payload, index) => ({ marker: `${run}p${index}`, name: `${run}p${index} ${payload}`, shown: `${run}p${index} ${payload}` })),
  // The right-to-left override is removed, not rendered: the name cannot reverse what follows it.
  { marker: `${run}rtl`, name: `${run}rtl Eve\u202Egpj_exe`, shown: `${run}rtl Eve gpj_exe` },
];

/** Fails on any dialog, and on a payload that ran and set window.__xss. */
function watchForScripts(page: Page): { assertInert: (where: string) => Promise<void> } {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()} "${dialog.message()}" on ${page.url()}`);
    void dialog.dismiss();
  });
  return {
    async assertInert(where) {
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), `a payload ran on ${where}`).toBeUndefined();
      expect(dialogs, `a dialog opened on ${where}`).toEqual([]);
    },
  };
}

test("names written as script attacks show as text on every page and run nothing", async ({ page, request }) => {
  const { assertInert } = watchForScripts(page);

  await test.step("the attackers sign through the API and confirm from their email", async () => {
    for (const signer of signers) {
      const email = uniqueEmail("xss");
      const response = await request.post("/api/v1/signatures", {
        data: await withProofOfWork(request, { name: signer.name, email, country: COUNTRY, isPublicName: true, acceptPrivacy: true, locale: "en" }),
      });
      expect(response.status(), signer.name).toBe(202);
      const message = await waitForEmail(email);
      await confirmByLink(page, extractLink(message.text, "/en/confirm?token="));
      await assertInert("the confirmation pages");
    }
  });

  for (const path of ["/en/signers", "/ru/signers"]) {
    await test.step(`${path} shows every name as literal text`, async () => {
      await page.goto(path);
      for (const signer of signers) {
        const cell = page.getByRole("cell").filter({ hasText: signer.marker });
        await expect(cell).toHaveCount(1);
        await expect(cell).toHaveText(signer.shown);
        await expect(cell.locator("script, img, svg, a, title")).toHaveCount(0);
      }
      await assertInert(path);
    });
  }

  await test.step("the letter page, once its cache has caught up with the new signatures, runs nothing", async () => {
    const total = await readTotal(request);
    await expect
      .poll(
        async () => {
          await page.goto("/en");
          return Number(await page.getByTestId("signature-count").getAttribute("data-total"));
        },
        { timeout: 30_000 },
      )
      .toBe(total);
    await assertInert("/en");
  });

  await signInAs(page, "admin");

  const detailLinks: string[] = [];
  await test.step("the admin search lists the names as text", async () => {
    await page.goto(`/admin/signatures?q=${encodeURIComponent(run)}`);
    for (const signer of signers) {
      const link = page.getByRole("link").filter({ hasText: signer.marker });
      await expect(link).toHaveCount(1);
      await expect(link).toHaveText(signer.shown);
      detailLinks.push((await link.getAttribute("href")) ?? "");
    }
    await expect(page.locator("main script, main img, main svg")).toHaveCount(0);
    await assertInert("the admin search");
  });

  await test.step("each signature's detail page shows the name as text", async () => {
    for (const [index, href] of detailLinks.entries()) {
      expect(href).toMatch(/^\/admin\/signatures\/\d+$/);
      await page.goto(href);
      await expect(page.getByText(signers[index]!.shown, { exact: true }).first()).toBeVisible();
      await assertInert(href);
    }
  });

  await test.step("the dashboard runs nothing", async () => {
    await page.goto("/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await assertInert("/admin");
  });

  await test.step("the delivery PDF with these names is still a PDF", async () => {
    const response = await page.request.get(`/admin/exports/delivery.pdf?country=${COUNTRY}&locale=en`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    expect((await response.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
