import { expect, fillSignForm, readTotal, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";

test("a supporter reads the demands, signs, confirms from the email and is counted once", async ({ page, request }) => {
  const before = await readTotal(request);
  const name = uniqueName("Alex");
  const email = uniqueEmail("signs");

  await test.step("the letter page shows the five demands", async () => {
    await page.goto("/en");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    const demands = page.getByRole("region", { name: "The five demands" });
    await expect(demands.getByRole("listitem")).toHaveCount(5);
    await expect(demands.getByRole("heading", { level: 3, name: "All for all" })).toBeVisible();
  });

  await test.step("they fill in the form and land on “Check your email”", async () => {
    await fillSignForm(page, { name, email, country: "FR", city: "Lyon", isPublicName: true });
    await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
    await expect(page).toHaveURL(/\/en\/thanks$/);
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
  });

  const message = await test.step("the confirmation email arrives, in English", async () => {
    const received = await waitForEmail(email);
    expect(received.subject).toBe("Please confirm your email address");
    expect(received.text).toContain(`Hello ${name},`);
    return received;
  });
  const link = extractLink(message.text, "/en/confirm?token=");

  await test.step("opening the link alone asks for the button and counts nothing", async () => {
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1, name: "Confirm your signature" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirm my signature" })).toBeVisible();
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before);
  });

  await test.step("pressing the button confirms the signature", async () => {
    await page.getByRole("button", { name: "Confirm my signature" }).click();
    await expect(page).toHaveURL(/\/en\/confirmed(\?token=[\w-]+)?$/);
    await expect(page.getByRole("heading", { level: 1, name: "Thank you: your signature is counted" })).toBeVisible();
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
  });

  await test.step("the live count on the letter page shows one more", async () => {
    await page.goto("/en");
    const count = page.getByTestId("signature-count");
    await expect.poll(async () => Number(await count.getAttribute("data-total")), { timeout: 20_000 }).toBe(before + 1);
  });

  await test.step("their name is in the public list of signers", async () => {
    await page.goto("/en/signers");
    await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  });

  await test.step("opening the link again says “Already confirmed” and counts nothing more", async () => {
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1, name: "Already confirmed" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirm my signature" })).toHaveCount(0);
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
  });
});
