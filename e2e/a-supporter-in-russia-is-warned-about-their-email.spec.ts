import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test, uniqueName } from "./support/fixtures";

type Messages = {
  RiskyEmail: { notice: string; held: string; guidanceLink: string };
  Safety: { title: string };
  SignForm: { name: string; email: string; country: string; submit: string };
  Thanks: { title: string };
};
const load = (locale: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "messages", `${locale}.json`), "utf8")) as Messages;
const ru = load("ru");
const en = load("en");

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = results.violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
  }));
  expect(violations, `axe violations on ${what} (${page.url()})`).toEqual([]);
}

/** An address nobody else in the run has, at `domain`. */
const addressAt = (domain: string) => `ru-${randomBytes(4).toString("hex")}@${domain}`;

test("a supporter in Russia typing a Yandex address is warned in Russian, can still sign, and reaches “Check your email”", async ({ page }) => {
  const form = page.locator("#sign");
  const emailField = form.getByLabel(ru.SignForm.email, { exact: true });
  const notice = form.getByRole("status").filter({ hasText: ru.RiskyEmail.notice });
  const submit = form.getByRole("button", { name: ru.SignForm.submit });

  await test.step("the form's intro links to the safety guidance", async () => {
    await page.goto("/ru");
    await expect(page.locator("#sign").getByRole("link", { name: /как подписать безопаснее/i }).first()).toHaveAttribute("href", "/ru/safety");
  });

  await test.step("a Proton address shows no notice", async () => {
    await emailField.fill(addressAt("proton.me"));
    await emailField.blur();
    await expect(form.getByText(ru.RiskyEmail.notice)).toHaveCount(0);
  });

  await test.step("a Yandex address shows the notice in Russian, linked to the field, with the guidance link", async () => {
    await emailField.fill(addressAt("yandex.ru"));
    await emailField.blur();
    await expect(notice).toBeVisible();
    await expect(notice.getByRole("link", { name: ru.RiskyEmail.guidanceLink })).toHaveAttribute("href", "/ru/safety");
    await expect(emailField).toHaveAttribute("aria-describedby", /sign-email-risk/);
  });

  await test.step("the form with the notice has no WCAG 2.1 AA violations", async () => {
    await expectNoViolations(page, "the sign form with the risky-email notice");
  });

  await test.step("the first submit is held once, with focus on the notice", async () => {
    await form.getByLabel(ru.SignForm.name, { exact: true }).fill(uniqueName("Vera"));
    await form.getByLabel(ru.SignForm.country, { exact: true }).selectOption("RU");
    await form.getByRole("checkbox", { name: /политику конфиденциальности/ }).check();
    await submit.click();
    await expect(notice.getByText(ru.RiskyEmail.held)).toBeVisible();
    await expect(notice).toBeFocused();
    await expect(page).toHaveURL(/\/ru$/);
  });

  await test.step("the second submit goes through to “Check your email”", async () => {
    await submit.click();
    await expect(page).toHaveURL(/\/ru\/thanks$/);
    await expect(page.getByRole("heading", { level: 1, name: ru.Thanks.title })).toBeVisible();
  });
});

test("the safety guidance is linked from the header and has no WCAG 2.1 AA violations", async ({ page }) => {
  await page.goto("/en");
  await page.getByRole("navigation", { name: "Undersigned" }).getByRole("link", { name: "Safety" }).click();
  await expect(page).toHaveURL(/\/en\/safety$/);
  await expect(page.getByRole("heading", { level: 1, name: en.Safety.title })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "How to withdraw" })).toBeVisible();
  await expectNoViolations(page, "the safety guidance");
});
