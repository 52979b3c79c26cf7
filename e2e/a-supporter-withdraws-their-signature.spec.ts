import fs from "node:fs";
import path from "node:path";
import { confirmByLink, expect, readTotal, signOnLetterPage, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";

/** What of `secrets` the server's database file and its WAL still hold, read as raw bytes (decision 0019). */
function foundOnDisk(secrets: string[]): string[] {
  const file = path.join(process.env.E2E_DATA_DIR!, "e2e.db");
  const bytes = Buffer.concat([fs.readFileSync(file), fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)]).toString("latin1");
  return secrets.filter((secret) => bytes.includes(secret));
}

test("a supporter withdraws their signature from the email in two clicks: it stops counting and their name disappears", async ({ page, request }) => {
  const before = await readTotal(request);
  const name = uniqueName("Sasha");
  const email = uniqueEmail("withdraws");

  const message = await test.step("they sign with their name shown, and confirm from the email", async () => {
    await signOnLetterPage(page, { name, email, country: "PL", city: "Gdańsk", isPublicName: true });
    const received = await waitForEmail(email);
    await confirmByLink(page, extractLink(received.text, "/en/confirm?token="));
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
    await page.goto("/en/signers");
    await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
    expect(foundOnDisk([email, name])).not.toEqual([]);
    return received;
  });

  await test.step("the email ends with a link to withdraw, and their private page offers it too", async () => {
    expect(message.text.trimEnd()).toMatch(/To withdraw your signature and erase your data, open this link and press the button:\s+\S+\/en\/withdraw\?token=[\w-]+$/);
    await page.goto(extractLink(message.text, "/en/my?token="));
    await expect(page.getByRole("heading", { level: 2, name: "Withdraw my signature" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Withdraw my signature" })).toBeVisible();
  });
  const link = extractLink(message.text, "/en/withdraw?token=");

  await test.step("opening the link alone says what will happen and changes nothing", async () => {
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1, name: "Withdraw your signature" })).toBeVisible();
    await expect(
      page.getByText("Your signature will stop counting and your name, email and city will be erased. This cannot be undone."),
    ).toBeVisible();
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
  });

  await test.step("pressing the button withdraws it", async () => {
    await page.getByRole("button", { name: "Withdraw my signature" }).click();
    await expect(page).toHaveURL(/\/en\/withdraw\?done=1$/);
    await expect(page.getByRole("heading", { level: 1, name: "Signature withdrawn" })).toBeVisible();
    await expect(page.getByText("Your signature is withdrawn and your data erased.")).toBeVisible();
  });

  await test.step("the public count is back to what it was, and their name is gone from the list", async () => {
    await expect.poll(() => readTotal(request)).toBe(before);
    await page.goto("/en/signers");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("cell", { name, exact: true })).toHaveCount(0);
  });

  await test.step("their name and address are gone from the database's files on disk, not only from its rows", async () => {
    await expect.poll(() => foundOnDisk([email, name]), { message: "the WAL is checkpointed and truncated after the erasure" }).toEqual([]);
  });

  await test.step("opening the link again says it no longer works", async () => {
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1, name: "This link does not work" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Withdraw my signature" })).toHaveCount(0);
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before);
  });
});
