import { confirmByLink, expect, test } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";
import { createOrganizerAccount, createOwnServer, readDatabase } from "./support/own-server";
import { signIn } from "./support/organizers";

// Issue 15 item 7 (decision 0025): an organizer turns on the daily digest on
// their account page, in Russian; the next morning from 06:00 UTC the
// server's own schedule mails it once: the day's new verified signatures
// by country, and nothing personal. A production server of the test's own
// signs today with the real clock, then is started again at 06:30 UTC the
// next day (libfaketime, e2e/support/own-server.ts). Its mail goes to the
// shared stack's SMTP server.

test.describe.configure({ timeout: 180_000 });

const PASSWORD = "digest organizer password";

test("an organizer turns on the daily digest and gets it the next morning, in their language, without personal data", async ({ page }) => {
  const server = await createOwnServer({ smtpPort: Number(process.env.E2E_SMTP_PORT), env: { MAIL_RATE_PER_MINUTE: "0" } });
  const organizer = uniqueEmail("digest-admin");
  const signer = uniqueEmail("digest-signer");
  try {
    await createOrganizerAccount(server.databasePath, { email: organizer, role: "admin", password: PASSWORD });
    await server.start();

    await test.step("a signer signs and confirms today", async () => {
      const response = await fetch(`${server.baseUrl}/api/v1/signatures`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "10.20.30.41" },
        body: JSON.stringify({ name: "Digest Private Name", email: signer, country: "UA", acceptPrivacy: true, locale: "en" }),
      });
      expect(response.status).toBe(202);
      await confirmByLink(page, extractLink((await waitForEmail(signer)).text, "/confirm?token="));
    });

    await test.step("the organizer turns the daily summary on, in Russian, on their account page", async () => {
      await signIn(page, organizer, PASSWORD, server.baseUrl);
      await page.goto(`${server.baseUrl}/admin/account`);
      const digest = page.getByRole("region", { name: "Daily summary" });
      await expect(digest.getByLabel("Email me the daily summary")).not.toBeChecked();
      await digest.getByLabel("Email me the daily summary").check();
      await digest.getByLabel("Language of the summary").selectOption("ru");
      await digest.getByRole("button", { name: "Save" }).click();
      await expect(page.getByRole("status")).toHaveText("You will get the daily summary.");
      await expect(digest.getByLabel("Email me the daily summary")).toBeChecked();
      await expect(digest.getByLabel("Language of the summary")).toHaveValue("ru");
      await server.stop();
    });

    await test.step("at 06:30 UTC the next day the server mails the summary of the day before, once", async () => {
      const verifiedAt = readDatabase(server.databasePath, (db) => (db.prepare("select verified_at as at from signatures").get() as { at: number }).at);
      const day = new Date(verifiedAt).toISOString().slice(0, 10);
      const nextMorning = new Date(Date.parse(`${day}T06:30:00Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 19).replace("T", " ");
      await server.start({ fakeTime: `@${nextMorning}` });
      const email = await waitForEmail(organizer, (caught) => caught.subject.startsWith("Ежедневная сводка за"), { timeout: 30_000 });
      expect(email.text).toContain("Новых подтверждённых подписей: 1. Всего подтверждённых: 1 из ");
      expect(email.text).toContain("- Украина: +1 (1)");
      expect(email.text).toContain("Помеченных подписей нет.");
      expect(email.text).toContain("Незавершённых рассылок нет.");
      expect(`${email.subject}${email.text}${email.html}`).not.toMatch(/Digest Private Name|digest-signer|10\.20\.30\.41/);
      await expect
        .poll(() => readDatabase(server.databasePath, (db) => db.prepare("select summary from maintenance_runs where task = 'sendDigests' order by id desc limit 1").get()))
        .toEqual({ summary: JSON.stringify({ sent: 1 }) });
      expect(readDatabase(server.databasePath, (db) => db.prepare("select digest_sent_on as day from users").get())).toEqual({
        day: new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10),
      });
    });
  } finally {
    await server.stop();
    server.remove();
  }
});
