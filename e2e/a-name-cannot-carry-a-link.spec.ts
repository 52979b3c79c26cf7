import { countSignatureRows } from "./support/database";
import { expect, fillSignForm, test } from "./support/fixtures";
import { uniqueEmail } from "./support/mail";
import { withProofOfWork } from "./support/proof-of-work";

// Issue 12: the confirmation email says "Hello {name}" to whatever address
// was typed, so a name with a link in it would make the campaign's sender
// mail a phishing line to a chosen inbox. The form and the API refuse it
// (decision 0017).

const PHISHING_NAME = "Anna, your account is locked: evil.example/unlock";

test("a name with a link in it is refused in the form and by the API, and nothing is stored or sent", async ({ page, request }) => {
  const email = uniqueEmail("phished");
  const form = page.locator("#sign");

  await test.step("the form says what is wrong and keeps what was typed", async () => {
    await page.goto("/en");
    await fillSignForm(page, { name: PHISHING_NAME, email });
    await form.getByRole("button", { name: "Sign the letter" }).click();
    await expect(form.locator(".field-error", { hasText: "A name cannot contain a web address, a domain name or @." })).toBeVisible();
    await expect(form.getByLabel("Full name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Full name", { exact: true })).toHaveValue(PHISHING_NAME);
    await expect(page).toHaveURL(/\/en$/);
  });

  await test.step("the API answers 400 with the message in the signer's language", async () => {
    const response = await request.post("/api/v1/signatures", {
      data: await withProofOfWork(request, { name: "Анна, войдите на evil.example", email, country: "DE", acceptPrivacy: true, locale: "ru" }),
    });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({
      errors: { name: "Имя не может содержать веб-адрес, доменное имя или знак @. Если в имени есть точка, поставьте после неё пробел." },
    });
  });

  expect(countSignatureRows(email)).toBe(0);
});
