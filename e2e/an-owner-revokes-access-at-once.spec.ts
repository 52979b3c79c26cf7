import { randomBytes } from "node:crypto";
import { expect, test } from "./support/fixtures";
import { signInAs } from "./support/organizers";

test.use({ expectedHttpErrors: [401, 403] });

test("an owner adds an organizer, then demotes and disables them: each change ends their session at once", async ({ page, browser }) => {
  const email = `e2e-temp-${randomBytes(3).toString("hex")}@example.test`;
  const password = "temporary organizer pass";

  await test.step("the owner creates an admin account", async () => {
    await signInAs(page, "owner");
    await page.getByRole("link", { name: "Organizers", exact: true }).click();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("Role", { exact: true }).selectOption("admin");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("status")).toHaveText("Account created.");
    await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();
  });

  const other = await browser.newContext();
  const temp = await other.newPage();
  const signIn = async () => {
    await temp.goto("/admin/login");
    await temp.getByLabel("Email").fill(email);
    await temp.getByLabel("Password").fill(password);
    await temp.getByRole("button", { name: "Sign in" }).click();
    await expect(temp.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  };
  await test.step("the new admin signs in and can moderate", async () => {
    await signIn();
    expect((await temp.goto("/admin/signatures"))?.status()).toBe(200);
  });

  await test.step("demoted to viewer, their session ends on its very next request; signed in again, they may not moderate", async () => {
    await page.getByLabel(`Role of ${email}`).selectOption("viewer");
    await page.getByLabel(`Role of ${email}`).locator("xpath=..").getByRole("button", { name: "Save role" }).click();
    await expect(page.getByRole("status")).toContainText("Account updated");
    expect((await temp.request.get("/admin/exports/signatures.csv")).status()).toBe(401);
    await temp.goto("/admin/signatures");
    await expect(temp).toHaveURL(/\/admin\/login$/);
    await signIn();
    expect((await temp.goto("/admin/signatures"))?.status()).toBe(403);
    expect((await temp.request.get("/admin/exports/signatures.csv")).status()).toBe(403);
  });

  await test.step("disabled, their session no longer opens anything", async () => {
    const row = page.getByRole("row").filter({ hasText: email });
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(page.getByRole("status")).toContainText("Account updated");
    await temp.goto("/admin");
    await expect(temp).toHaveURL(/\/admin\/login$/);
    expect((await temp.request.get("/admin/exports/countries.json")).status()).toBe(401);
  });

  await test.step("the change is in the audit log", async () => {
    await page.goto("/admin/audit");
    await expect(page.getByRole("cell", { name: "organizer.update" }).first()).toBeVisible();
  });
  await other.close();
});
