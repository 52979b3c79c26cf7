import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { authenticator } from "otplib";
import { expect, test } from "./support/fixtures";
import { addOrganizerAsOwner, signIn, submitLogin } from "./support/organizers";

// next-auth answers a refused sign-in (password right, code missing or wrong) with 401.
test.use({ expectedHttpErrors: [401] });

/** A code that is not the current one (nor, almost surely, a neighbour's). */
function wrongCode(secret: string): string {
  return String((Number(authenticator.generate(secret)) + 500_000) % 1_000_000).padStart(6, "0");
}

/** The code the app shows in the next 30-second step: not used yet, and accepted now (one step of clock drift is). */
function nextCode(secret: string): string {
  return authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
}

/** The new screens (QR code, recovery codes, code field) meet WCAG 2.1 AA like the rest of the admin area. */
async function expectNoViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Organizer sign-in" })).toBeVisible();
}

test("an organizer turns on a second factor, then signs in with a code from the app and once with a recovery code", async ({ page, browser }) => {
  const email = `e2e-totp-${randomBytes(3).toString("hex")}@example.test`;
  const password = "second factor organizer pass";

  await test.step("an owner creates their account", async () => {
    await addOrganizerAsOwner(page, { email, password, role: "admin" });
  });

  const context = await browser.newContext();
  const organizer = await context.newPage();
  let secret = "";
  let recoveryCodes: string[] = [];

  await test.step("they set up an authenticator app on their account page", async () => {
    await signIn(organizer, email, password);
    await organizer.getByRole("link", { name: "Account", exact: true }).click();
    await expect(organizer.getByText("No second factor yet.")).toBeVisible();
    await organizer.getByRole("link", { name: "Set up a second factor" }).click();
    await expect(organizer.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    const otpauthUrl = new URL((await organizer.getByText(/^otpauth:\/\//).textContent()) ?? "");
    expect(otpauthUrl.searchParams.get("issuer")).toBe("Undersigned");
    secret = otpauthUrl.searchParams.get("secret") ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expectNoViolations(organizer);

    await organizer.getByLabel("Code from the app").fill(wrongCode(secret));
    await organizer.getByRole("button", { name: "Turn on" }).click();
    await expect(organizer.getByRole("alert").filter({ hasText: "That code is wrong." })).toBeVisible();

    await organizer.getByLabel("Code from the app").fill(authenticator.generate(secret));
    await organizer.getByRole("button", { name: "Turn on" }).click();
    const codes = organizer.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem");
    await expect(codes).toHaveCount(10);
    recoveryCodes = (await codes.allTextContents()).map((code) => code.trim());
    await expectNoViolations(organizer);
    // Turning it on ended every session of the account, this one too (decision 0018).
    await expect(organizer.getByText("You are now signed out everywhere, here too.")).toBeVisible();
    await organizer.getByRole("link", { name: "I have saved them" }).click();
    await expect(organizer.getByRole("heading", { level: 1, name: "Organizer sign-in" })).toBeVisible();
    await organizer.goto("/admin");
    await expect(organizer).toHaveURL(/\/admin\/login$/);
  });

  await test.step("signing in, they are asked for the code; a wrong one is refused, the right one opens the dashboard", async () => {
    await submitLogin(organizer, email, password);
    await expect(organizer.getByRole("status")).toHaveText("Enter the code from your authenticator app.");
    await expectNoViolations(organizer);
    await organizer.getByLabel("Authentication code").fill(wrongCode(secret));
    await organizer.getByRole("button", { name: "Sign in" }).click();
    await expect(organizer.getByRole("alert").filter({ hasText: "That code is wrong." })).toBeVisible();
    // Email and password are kept: only the code is typed again. The code that turned the factor on is used up.
    await expect(organizer.getByLabel("Email")).toHaveValue(email);
    await organizer.getByLabel("Authentication code").fill(nextCode(secret));
    await organizer.getByRole("button", { name: "Sign in" }).click();
    await expect(organizer.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await organizer.goto("/admin/account");
    await expect(organizer.getByText("A second factor is on. Recovery codes left: 10.")).toBeVisible();
    await signOut(organizer);
  });

  await test.step("a recovery code works once", async () => {
    const recovery = recoveryCodes[0] ?? "";
    await submitLogin(organizer, email, password);
    await organizer.getByLabel("Authentication code").fill(recovery);
    await organizer.getByRole("button", { name: "Sign in" }).click();
    await expect(organizer.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await organizer.goto("/admin/account");
    await expect(organizer.getByText("Recovery codes left: 9.")).toBeVisible();
    await signOut(organizer);

    await submitLogin(organizer, email, password);
    await organizer.getByLabel("Authentication code").fill(recovery);
    await organizer.getByRole("button", { name: "Sign in" }).click();
    await expect(organizer.getByRole("alert").filter({ hasText: "That code is wrong." })).toBeVisible();
  });

  await test.step("the sign-ins are in the audit log", async () => {
    await page.goto("/admin/audit");
    await expect(page.getByRole("cell", { name: "organizer.totpEnabled" }).first()).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: email }).filter({ hasText: "second factor" }).first()).toBeVisible();
  });
  await context.close();
});
