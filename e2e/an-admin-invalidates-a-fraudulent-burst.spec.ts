import { randomBytes } from "node:crypto";
import { expect, readTotal, test, uniqueName } from "./support/fixtures";
import { extractLink, waitForEmail } from "./support/mail";
import { signInAs } from "./support/organizers";
import { withProofOfWork } from "./support/proof-of-work";

test("an admin invalidates a fraudulent burst and the public count drops", async ({ page, request, browser }) => {
  const domain = `burst-${randomBytes(3).toString("hex")}.test`;
  const bots = Array.from({ length: 3 }, (_, i) => ({ name: uniqueName(`Bot${i}`), email: `bot${i}@${domain}`, country: "NL", acceptPrivacy: true }));

  await test.step("a burst of signatures from one domain is confirmed", async () => {
    const clicker = await browser.newPage();
    for (const bot of bots) {
      expect((await request.post("/api/v1/signatures", { data: await withProofOfWork(request, bot) })).status()).toBe(202);
      await clicker.goto(extractLink((await waitForEmail(bot.email)).text, "/confirm?token="));
      await clicker.getByRole("button", { name: "Confirm my signature" }).click();
      await expect(clicker).toHaveURL(/\/confirmed(\?token=[\w-]+)?$/);
    }
    await clicker.close();
  });
  const before = await readTotal(request);

  await signInAs(page, "admin");

  await test.step("the admin previews the filter: three match", async () => {
    await page.goto("/admin/signatures/bulk");
    await page.getByLabel("Email domain").fill(domain);
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "3 signatures match" })).toBeVisible();
    for (const bot of bots) await expect(page.getByRole("cell", { name: bot.email })).toBeVisible();
  });

  await test.step("the admin gives a reason and invalidates them", async () => {
    await page.getByLabel("Reason (kept in the audit log)").fill("Scripted burst from a throwaway domain");
    await page.getByRole("button", { name: "Invalidate 3 signatures" }).click();
    await expect(page.getByRole("status")).toHaveText("3 signatures invalidated.");
  });

  await test.step("the public count drops by three, and the bots are gone from the public numbers", async () => {
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before - 3);
    await page.goto("/admin");
    await expect(page.getByRole("cell", { name: "signature.bulkInvalidate" }).first()).toBeVisible();
  });

  await test.step("a wrong filter gets a clear message, not an error page", async () => {
    await page.goto("/admin/signatures/bulk?statuses=verified");
    await expect(page.locator(".form-alert")).toContainText("at least one filter");
    await page.goto("/admin/signatures/bulk?country=NL&from=2026-13-45");
    await expect(page.locator(".form-alert")).toContainText("Write dates as 2026-11-21");
  });
});
