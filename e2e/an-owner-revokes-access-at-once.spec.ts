import { randomBytes } from "node:crypto";
import { expect, test } from "./support/fixtures";
import { addOrganizerAsOwner, signIn } from "./support/organizers";

test.use({ expectedHttpErrors: [401, 403] });

test("an owner adds an organizer, then demotes and disables them: each change ends their session at once", async ({ page, browser }) => {
  const email = `e2e-temp-${randomBytes(3).toString("hex")}@example.test`;
  const password = "temporary organizer pass";

  await test.step("the owner creates an admin account", async () => {
    await addOrganizerAsOwner(page, { email, password, role: "admin" });
    await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();
  });

  const other = await browser.newContext();
  const temp = await other.newPage();
  await test.step("the new admin signs in and can moderate", async () => {
    await signIn(temp, email, password);
    expect((await temp.goto("/admin/signatures"))?.status()).toBe(200);
  });

  await test.step("demoted to viewer, their session ends on its very next request; signed in again, they may not moderate", async () => {
    await page.getByLabel(`Role of ${email}`).selectOption("viewer");
    await page.getByLabel(`Role of ${email}`).locator("xpath=..").getByRole("button", { name: "Save role" }).click();
    await expect(page.getByRole("status")).toContainText("Account updated");
    expect((await temp.request.get("/admin/exports/signatures.csv")).status()).toBe(401);
    await temp.goto("/admin/signatures");
    await expect(temp).toHaveURL(/\/admin\/login$/);
    await signIn(temp, email, password);
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
