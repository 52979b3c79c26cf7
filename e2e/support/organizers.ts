import { expect, type Page } from "@playwright/test";

import { ORGANIZER_PASSWORD, ORGANIZERS } from "./organizer-accounts";

export { ORGANIZER_PASSWORD, ORGANIZERS };

/** Signs in through the login page and waits for the dashboard. */
export async function signInAs(page: Page, who: keyof typeof ORGANIZERS): Promise<void> {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(ORGANIZERS[who].email);
  await page.getByLabel("Password").fill(ORGANIZER_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}
