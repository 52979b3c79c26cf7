import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./support/fixtures";
import { signInAs } from "./support/organizers";

// Decision 0019: the production server runs its own maintenance (retention,
// key rotation, backups) without anyone running a command, and an owner
// sees the last runs. The e2e stack sets BACKUP_DIR (e2e/support/test-stack.ts).

const dataDir = () => process.env.E2E_DATA_DIR!;
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

test("the server maintains itself: an owner sees every task's last run, and the database and its backup are private files", async ({ page }) => {
  await test.step("an owner opens Maintenance and finds every task run by the schedule", async () => {
    await signInAs(page, "owner");
    await page.getByRole("link", { name: "Maintenance", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Maintenance" })).toBeVisible();
    await expect(page.getByText("it deletes unconfirmed signatures after 30 days")).toBeVisible();
    // The first run starts a few seconds after the server.
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByRole("row").filter({ hasText: "backup" }).count();
      })
      .toBeGreaterThan(0);
    const table = page.getByRole("table");
    for (const task of ["rotateHashKeys", "purgeUnconfirmed", "remindUnconfirmed", "sendDigests", "expireRows", "checkpoint", "backup"]) {
      await expect(table.getByRole("row").filter({ hasText: task }).filter({ hasText: "schedule" }).first()).toBeVisible();
    }
    await expect(table.getByRole("row").filter({ hasText: "backup" }).first()).toContainText("done");
  });

  await test.step("the day's backup is in BACKUP_DIR, and it and the database files are readable by their owner only", async () => {
    const backups = fs.readdirSync(path.join(dataDir(), "backups"));
    expect(backups).toEqual([expect.stringMatching(/^undersigned-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.db$/)]);
    expect(modeOf(path.join(dataDir(), "backups"))).toBe(0o700);
    expect(modeOf(path.join(dataDir(), "backups", backups[0]!))).toBe(0o600);
    for (const file of ["e2e.db", "e2e.db-wal", "e2e.db-shm"]) expect(modeOf(path.join(dataDir(), file)), file).toBe(0o600);
  });
});

test.describe("below the owner role", () => {
  test.use({ expectedHttpErrors: [403] });

  test("an admin cannot open the maintenance page, nor find it in the menu", async ({ page }) => {
    await signInAs(page, "admin");
    await expect(page.getByRole("link", { name: "Maintenance", exact: true })).toHaveCount(0);
    expect((await page.goto("/admin/maintenance"))?.status()).toBe(403);
  });
});
