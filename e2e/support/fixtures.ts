import { randomBytes } from "node:crypto";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";

/**
 * Playwright's `test`, except that a test fails when a page of its browser
 * context logs a `console.error` or throws an uncaught error.
 */
export const test = base.extend<{ expectedHttpErrors: number[] }>({
  /** HTTP statuses a test expects a page to answer with (the browser logs them as errors). */
  expectedHttpErrors: [[], { option: true }],
  context: async ({ context, expectedHttpErrors }, use) => {
    const problems: string[] = [];
    const expected = expectedHttpErrors.map((status) => `the server responded with a status of ${status} `);
    context.on("console", (message) => {
      if (message.type() !== "error") return;
      if (expected.some((text) => message.text().includes(text))) return;
      problems.push(`console.error on ${message.page()?.url() ?? "?"}: ${message.text()}`);
    });
    context.on("weberror", (webError) => {
      problems.push(`uncaught error on ${webError.page()?.url() ?? "?"}: ${webError.error().message}`);
    });
    await use(context);
    expect(problems, "the browser reported errors").toEqual([]);
  },
});

export { expect };

/** The verified total, as the public stats API says now. */
export async function readTotal(request: APIRequestContext): Promise<number> {
  const response = await request.get("/api/v1/stats");
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { total: number };
  return body.total;
}

/** A name nobody else in the run has, so lists can be searched for it. */
export function uniqueName(first = "Robin"): string {
  return `${first} Tester ${randomBytes(3).toString("hex").toUpperCase().replace(/\d/g, (d) => "GHJKLMNPQR"[Number(d)]!)}`;
}

export type Signer = {
  name: string;
  email: string;
  /** ISO code, as the select's option value. */
  country?: string;
  city?: string;
  isPublicName?: boolean;
  wantsUpdates?: boolean;
};

/** Fills the English sign form (by its labels) and ticks the privacy box. */
export async function fillSignForm(page: Page, signer: Signer): Promise<void> {
  const form = page.locator("#sign");
  await form.getByLabel("Full name", { exact: true }).fill(signer.name);
  await form.getByLabel("Email", { exact: true }).fill(signer.email);
  await form.getByLabel("Country", { exact: true }).selectOption(signer.country ?? "DE");
  if (signer.city) await form.getByLabel("City (optional)", { exact: true }).fill(signer.city);
  if (signer.isPublicName) await form.getByLabel("Show my name in the public list of signers").check();
  if (signer.wantsUpdates) await form.getByLabel("Email me campaign updates").check();
  await form.getByRole("checkbox", { name: /privacy notice/ }).check();
}

/** Opens /en, signs with `signer` and waits for the "Check your email" page. */
export async function signOnLetterPage(page: Page, signer: Signer): Promise<void> {
  await page.goto("/en");
  await fillSignForm(page, signer);
  await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
  await expect(page).toHaveURL(/\/en\/thanks$/);
  await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
}

/** Opens a confirmation link, checks it asks for the button, presses it, and waits for the thank-you page. */
export async function confirmByLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm my signature" }).click();
  await expect(page).toHaveURL(/\/en\/confirmed(\?token=[\w-]+)?$/);
  await expect(page.getByRole("heading", { level: 1, name: "Thank you: your signature is counted" })).toBeVisible();
}
