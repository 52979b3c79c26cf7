import { randomBytes } from "node:crypto";
import type { BrowserContext, Page } from "@playwright/test";
import { authenticator } from "otplib";
import { expect, test } from "./support/fixtures";
import { addOrganizerAsOwner, runUserCommand, signIn, submitLogin } from "./support/organizers";

// A refused sign-in (a used code) is answered 401 by next-auth; so is an export asked for with an ended session.
test.use({ expectedHttpErrors: [401] });

/** The code the app shows in the next 30-second step: not used yet, and accepted now (one step of clock drift is). */
function nextCode(secret: string): string {
  return authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
}

async function typeCode(page: Page, code: string): Promise<void> {
  await expect(page.getByRole("status")).toHaveText("Enter the code from your authenticator app.");
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function expectSignedIn(page: Page): Promise<void> {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}

async function expectSignedOut(page: Page): Promise<void> {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/login$/);
  expect((await page.request.get("/admin/exports/countries.json")).status()).toBe(401);
}

/** Someone else's browser now holds a copy of the organizer's session cookie. */
async function stealCookies(from: BrowserContext, into: BrowserContext): Promise<void> {
  await into.clearCookies();
  await into.addCookies(await from.cookies());
}

test("a copied session cookie stops working when the account gets a new password, a second factor or a reset one, and a code opens one session only", async ({ page, browser }) => {
  const email = `e2e-sessions-${randomBytes(3).toString("hex")}@example.test`;
  let password = "first organizer password";

  await test.step("an owner creates an admin account", async () => {
    await addOrganizerAsOwner(page, { email, password, role: "admin" });
  });

  const organizerContext = await browser.newContext();
  const thiefContext = await browser.newContext();
  const organizer = await organizerContext.newPage();
  const thief = await thiefContext.newPage();

  await test.step("the organizer signs in; a copy of their cookie opens the dashboard elsewhere", async () => {
    await signIn(organizer, email, password);
    await stealCookies(organizerContext, thiefContext);
    await expectSignedIn(thief);
  });

  await test.step("an operator sets a new password from the shell: every session of the account ends at once", async () => {
    password = "second organizer password";
    expect(await runUserCommand(["password", "--email", email, "--password-stdin"], `${password}\n`)).toContain(`password changed for ${email}`);
    await expectSignedOut(thief);
    await expectSignedOut(organizer);
  });

  let secret = "";
  await test.step("signed in again, they turn on a second factor: every session ends, the copy too", async () => {
    await signIn(organizer, email, password);
    await stealCookies(organizerContext, thiefContext);
    await expectSignedIn(thief);

    await organizer.goto("/admin/account?setup=1");
    secret = new URL((await organizer.getByText(/^otpauth:\/\//).textContent()) ?? "").searchParams.get("secret") ?? "";
    await organizer.getByLabel("Code from the app").fill(authenticator.generate(secret));
    await organizer.getByRole("button", { name: "Turn on" }).click();
    await expect(organizer.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await expectSignedOut(thief);
    await organizer.getByRole("link", { name: "I have saved them" }).click();
    await expectSignedOut(organizer);
  });

  await test.step("a code from the app opens one session: typed again elsewhere with the password, it is refused", async () => {
    const code = nextCode(secret);
    await submitLogin(organizer, email, password);
    await typeCode(organizer, code);
    await expect(organizer.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

    await submitLogin(thief, email, password);
    await typeCode(thief, code);
    await expect(thief.getByRole("alert").filter({ hasText: "That code is wrong." })).toBeVisible();
    await expectSignedOut(thief);
  });

  await test.step("an operator resets the second factor from the shell (a lost phone): the session ends", async () => {
    await expectSignedIn(organizer);
    expect(await runUserCommand(["totp-reset", "--email", email])).toContain(`second factor removed for ${email}`);
    await expectSignedOut(organizer);
  });

  await organizerContext.close();
  await thiefContext.close();
});
