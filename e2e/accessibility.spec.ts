import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, fillSignForm, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { signInAs } from "./support/organizers";
import { publishOpenUpdate, saveNewUpdate } from "./support/updates";

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Runs axe on the page as it is and expects no WCAG 2.1 A/AA violation. */
async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
  }));
  expect(violations, `axe violations on ${what} (${page.url()})`).toEqual([]);
}

test("the letter page in English has no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/en");
  await expect(page.getByTestId("signature-count")).toBeVisible();
  await expectNoViolations(page, "the letter page (en)");
});

test("the letter page in Russian has no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/ru");
  await expect(page.getByTestId("signature-count")).toBeVisible();
  await expectNoViolations(page, "the letter page (ru)");
});

test("the sign form showing its errors has no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/en");
  await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
  await expect(page.locator("#sign").getByText("Enter your name.").first()).toBeVisible();
  await expectNoViolations(page, "the sign form with errors");
});

test("the pages of signing and confirming have no WCAG 2.1 AA violations", async ({ page }) => {
  const email = uniqueEmail("a11y");
  await page.goto("/en");
  await fillSignForm(page, { name: uniqueName("Ari"), email });
  await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  await expectNoViolations(page, "the “Check your email” page");

  const message = await waitForEmail(email);
  await page.goto(extractLink(message.text, "/en/confirm?token="));
  await expect(page.getByRole("button", { name: "Confirm my signature" })).toBeVisible();
  await expectNoViolations(page, "the confirmation page");

  await page.getByRole("button", { name: "Confirm my signature" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Thank you: your signature is counted" })).toBeVisible();
  await expectNoViolations(page, "the confirmed page");
});

test("the list of signers has no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/en/signers");
  await expect(page.getByRole("heading", { level: 1, name: "Signers" })).toBeVisible();
  await expectNoViolations(page, "the signers page");
});

test("the privacy notice has no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/en/privacy");
  await expect(page.getByRole("heading", { level: 1, name: "Privacy notice" })).toBeVisible();
  await expectNoViolations(page, "the privacy notice");
});

for (const locale of ["en", "ru", "uk"]) {
  test(`the share toolkit in ${locale} has no WCAG 2.1 AA violations, its framed counter included`, async ({ page }) => {
    await page.goto(`/${locale}/share`);
    await expect(page.locator("iframe.share-embed-preview").contentFrame().getByTestId("signature-count")).toBeVisible();
    await expectNoViolations(page, `the share toolkit (${locale})`);
  });
}

test("the admin pages have no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/admin/login");
  await expectNoViolations(page, "the sign-in page");
  await signInAs(page, "owner");
  for (const path of ["/admin", "/admin/signatures", "/admin/signatures/bulk?country=DE", "/admin/exports", "/admin/organizers", "/admin/audit", "/admin/maintenance", "/admin/account"]) {
    await page.goto(path);
    await expectNoViolations(page, path);
  }
});

test("the updates, public and in the admin, have no WCAG 2.1 AA violations", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/admin/updates/new");
  await expectNoViolations(page, "the update editor");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The update was not saved" })).toBeVisible();
  await expectNoViolations(page, "the update editor with its errors");

  const id = await saveNewUpdate(page, {
    kind: "hearing",
    eventOn: "2026-12-01",
    institution: "Moscow City Court",
    texts: { en: { title: "A hearing for the accessibility check", body: "The hearing is **open**.\n\n- bring ID\n- arrive early" } },
  });
  await expectNoViolations(page, "an update's admin page");
  await page.goto("/admin/updates");
  await expectNoViolations(page, "the list of updates");
  await page.goto(`/admin/updates/${id}/preview?locale=ru`);
  await expectNoViolations(page, "an update's preview (with the note about the language)");
  const path = await publishOpenUpdate(page);

  for (const publicPath of ["/en/updates", path, path.replace("/en/", "/ru/"), "/en"]) {
    await page.goto(publicPath);
    await expectNoViolations(page, publicPath);
  }
});
