import { countSignatureRows } from "./support/database";
import { expect, fillSignForm, test, uniqueName } from "./support/fixtures";
import { uniqueEmail } from "./support/mail";

// Decision 0011: a bot that fills every field, the hidden honeypot too, is
// answered exactly like a person (the "Check your email" page), and nothing
// is stored or sent. Rate limits are raised for this suite (test-stack.ts);
// they are tested in server/abuse/check-sign-limits.test.ts.

test("a bot that fills the hidden field is thanked like anyone, and nothing is stored", async ({ page }) => {
  const form = page.locator("#sign");

  await test.step("the honeypot is out of sight, out of the tab order and of the accessibility tree", async () => {
    await page.goto("/en");
    await expect(form.getByRole("textbox", { name: "Leave this empty" })).toHaveCount(0);
    await expect(form.locator('input[name="website"]')).toHaveAttribute("tabindex", "-1");
  });

  await test.step("a person's signature is stored", async () => {
    const email = uniqueEmail("person");
    await fillSignForm(page, { name: uniqueName("Pat"), email });
    await form.getByRole("button", { name: "Sign the letter" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
    expect(countSignatureRows(email)).toBe(1);
  });

  await test.step("a bot that fills the honeypot sees the same page, and no row is written", async () => {
    const email = uniqueEmail("bot");
    await page.goto("/en");
    await fillSignForm(page, { name: uniqueName("Bot"), email });
    await form.locator('input[name="website"]').evaluate((input: HTMLInputElement) => {
      input.value = "https://cheap-pills.example";
    });
    await form.getByRole("button", { name: "Sign the letter" }).click();
    await expect(page).toHaveURL(/\/en\/thanks$/);
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
    expect(countSignatureRows(email)).toBe(0);
  });
});
