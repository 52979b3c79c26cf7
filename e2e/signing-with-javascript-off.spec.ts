import { expect, readTotal, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";

test.use({ javaScriptEnabled: false });

test("without JavaScript, a supporter is told what is wrong, keeps what they typed, signs and confirms", async ({ page, request }) => {
  const before = await readTotal(request);
  const name = uniqueName("Noor");
  const email = uniqueEmail("nojs");
  const form = page.locator("#sign");
  const nameField = form.getByLabel("Full name", { exact: true });
  const emailField = form.getByLabel("Email", { exact: true });
  const countryField = form.getByLabel("Country", { exact: true });
  const privacyBox = form.getByRole("checkbox", { name: /privacy notice/ });
  const submit = form.getByRole("button", { name: "Sign the letter" });

  await test.step("the empty form comes back with a message per field", async () => {
    await page.goto("/en");
    // No proof of work without JavaScript: a <noscript> note says what checks the signature instead
    // (decision 0011). Playwright only stops scripts from running, so Chromium still parses <noscript>
    // as text rather than showing it: check the note is in the page.
    expect(await page.locator("#sign noscript").textContent()).toContain("JavaScript is off: you can still sign.");
    await submit.click();
    await expect(form.getByText("Please correct the marked fields.")).toBeVisible();
    for (const message of ["Enter your name.", "Enter your email address.", "Choose your country.", "To sign, agree to the privacy notice."]) {
      await expect(form.locator(".field-error", { hasText: message })).toBeVisible();
    }
    await expect(nameField).toHaveAttribute("aria-invalid", "true");
  });

  await test.step("with only some fields wrong, what was typed is kept", async () => {
    await nameField.fill(name);
    await emailField.fill("not-an-address");
    await form.getByLabel("City (optional)", { exact: true }).fill("Tbilisi");
    await submit.click();
    await expect(form.locator(".field-error", { hasText: "Enter an email address like name@example.org." })).toBeVisible();
    await expect(form.locator(".field-error", { hasText: "Choose your country." })).toBeVisible();
    await expect(form.locator(".field-error", { hasText: "To sign, agree to the privacy notice." })).toBeVisible();
    await expect(form.locator(".field-error", { hasText: "Enter your name." })).toHaveCount(0);
    await expect(nameField).toHaveValue(name);
    await expect(emailField).toHaveValue("not-an-address");
    await expect(form.getByLabel("City (optional)", { exact: true })).toHaveValue("Tbilisi");
  });

  await test.step("filled in correctly, it goes to “Check your email”", async () => {
    await emailField.fill(email);
    await countryField.selectOption("GE");
    await privacyBox.check();
    await submit.click();
    await expect(page).toHaveURL(/\/en\/thanks$/);
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  });

  await test.step("the email's link and the button confirm, still without JavaScript", async () => {
    const message = await waitForEmail(email);
    expect(message.subject).toBe("Please confirm your email address");
    await page.goto(extractLink(message.text, "/en/confirm?token="));
    await page.getByRole("button", { name: "Confirm my signature" }).click();
    await expect(page).toHaveURL(/\/en\/confirmed(\?token=[\w-]+)?$/);
    await expect(page.getByRole("heading", { level: 1, name: "Thank you: your signature is counted" })).toBeVisible();
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
  });

  await test.step("the letter page's own count (what a reader without JavaScript sees) follows", async () => {
    // The page is ISR (revalidated every 10 s) behind the front's one-second copy: a refresh must
    // reach Next, not the copy it replaces. Read through the API context: a plain GET, no script.
    const countInPage = async () => {
      const html = await (await request.get("/en")).text();
      return Number(/data-testid="signature-count" data-total="(\d+)"/.exec(html)?.[1] ?? Number.NaN);
    };
    await expect.poll(countInPage, { message: "data-total in /en's HTML", timeout: 40_000, intervals: [1_000] }).toBeGreaterThanOrEqual(before + 1);
  });
});
