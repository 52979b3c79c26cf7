import { confirmByLink, expect, test } from "./support/fixtures";
import { extractLink, listEmails, listRefusals, refuseMailTo, uniqueEmail, waitForEmail, type CaughtEmail } from "./support/mail";
import { createOrganizerAccount, createOwnServer, readDatabase } from "./support/own-server";
import { signIn } from "./support/organizers";

// Issue 15 item 6, "the reminder goes out once" (decision 0022): a signer
// who has not confirmed 48 hours (CONFIRM_REMINDER_HOURS' default) after the
// confirmation email gets one reminder whose link confirms, and never a
// second; an address the mail server refused gets none.
//
// A production server of the test's own signs with the real clock, then is
// started again with its clock 49 hours ahead (libfaketime, see
// e2e/support/own-server.ts), then further ahead: the production code and
// setting as they are, only later. Its mail goes to the shared stack's SMTP
// server, which parses it and refuses the address we tell it to.

test.describe.configure({ timeout: 240_000 });

const PASSWORD = "reminder owner password";
const OWNER = "reminder-owner@example.test";
const REMINDER_SUBJECT = "Reminder: please confirm your email address";
const isReminder = (email: CaughtEmail) => email.subject === REMINDER_SUBJECT;
const isConfirmation = (email: CaughtEmail) => email.subject === "Please confirm your email address";

async function sign(baseUrl: string, email: string, name: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v1/signatures`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "10.20.30.40" },
    body: JSON.stringify({ name, email, country: "DE", acceptPrivacy: true, locale: "en" }),
  });
  expect(response.status).toBe(202);
}

type ReminderRun = { summary: string };
const reminderRuns = (databasePath: string) =>
  readDatabase(databasePath, (db) => db.prepare("select summary from maintenance_runs where task = 'remindUnconfirmed' order by id").all() as ReminderRun[]);

test("a signer who forgot to confirm gets one reminder, its link confirms, and no second one ever comes", async ({ page }) => {
  const smtpPort = Number(process.env.E2E_SMTP_PORT);
  const server = await createOwnServer({ smtpPort, env: { MAIL_RATE_PER_MINUTE: "0" } });
  const forgets = uniqueEmail("reminded-confirms");
  const ignores = uniqueEmail("reminded-ignores");
  const refused = uniqueEmail("reminder-refused");
  const prompt = uniqueEmail("reminder-not-needed");
  try {
    await createOrganizerAccount(server.databasePath, { email: OWNER, role: "owner", password: PASSWORD });

    await test.step("four people sign today; one address is refused by its mail server, one signer confirms at once", async () => {
      await server.start();
      await refuseMailTo(refused);
      await sign(server.baseUrl, forgets, "Forgetful Signer");
      await sign(server.baseUrl, ignores, "Busy Signer");
      await sign(server.baseUrl, refused, "Gone Mailbox");
      await sign(server.baseUrl, prompt, "Prompt Signer");
      await confirmByLink(page, extractLink((await waitForEmail(prompt, isConfirmation)).text, "/confirm?token="));
      await waitForEmail(forgets, isConfirmation);
      await waitForEmail(ignores, isConfirmation);
      await expect.poll(async () => (await listRefusals(refused)).length).toBe(1);
      // The 550 marks the address undeliverable (decision 0022).
      await expect
        .poll(() => readDatabase(server.databasePath, (db) => db.prepare("select count(*) as n from signatures where undeliverable_at is not null").get()))
        .toEqual({ n: 1 });
      // The first scheduled run, a few seconds after the start, finds nobody due yet.
      await expect.poll(() => reminderRuns(server.databasePath).length, { timeout: 30_000 }).toBe(1);
      expect(JSON.parse(reminderRuns(server.databasePath)[0]!.summary)).toMatchObject({ reminded: 0 });
      await server.stop();
    });

    let reminder!: CaughtEmail;
    await test.step("49 hours later the server's own schedule sends one reminder each to the two who did not confirm, and none to the refused address", async () => {
      await server.start({ fakeTime: "+49h" });
      reminder = await waitForEmail(forgets, isReminder, { timeout: 30_000 });
      await waitForEmail(ignores, isReminder, { timeout: 30_000 });
      await expect.poll(() => reminderRuns(server.databasePath).length, { timeout: 30_000 }).toBe(2);
      expect(JSON.parse(reminderRuns(server.databasePath)[1]!.summary)).toMatchObject({ reminded: 2, held: 0 });
      expect(reminder.text).toContain("This is the only reminder we send");
      expect(reminder.text).toContain("If you did not ask for this, ignore this email");
      expect(reminder.subject).not.toMatch(/letter|prisoner/i);
      expect(extractLink(reminder.text, "/en/withdraw?token=")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/en\/withdraw\?token=[\w-]+$/);
      expect(await listRefusals(refused)).toHaveLength(1);
      expect((await listEmails(prompt)).filter(isReminder)).toEqual([]);
    });

    await test.step("the reminder's link confirms the signature", async () => {
      const link = extractLink(reminder.text, "/confirm?token=");
      expect(link.startsWith(`${server.baseUrl}/en/confirm?token=`)).toBe(true);
      await confirmByLink(page, link);
      await server.stop();
    });

    await test.step("later runs, days on, send nobody a second reminder", async () => {
      for (const [offset, runs] of [
        ["+74h", 3],
        ["+140h", 4],
      ] as const) {
        await server.start({ fakeTime: offset });
        await expect.poll(() => reminderRuns(server.databasePath).length, { timeout: 30_000 }).toBe(runs);
        expect(JSON.parse(reminderRuns(server.databasePath)[runs - 1]!.summary)).toMatchObject({ reminded: 0 });
        if (offset !== "+140h") await server.stop();
      }
      expect((await listEmails(forgets)).filter(isReminder)).toHaveLength(1);
      expect((await listEmails(ignores)).filter(isReminder)).toHaveLength(1);
      expect(await listRefusals(refused)).toHaveLength(1);
      const queued = readDatabase(server.databasePath, (db) => db.prepare("select count(*) as n from mail_outbox where kind = 'confirmReminder'").get());
      expect(queued).toEqual({ n: 2 });
    });

    await test.step("the owner's dashboard counts two reminders sent and one signer who confirmed after a reminder", async () => {
      await signIn(page, OWNER, PASSWORD, server.baseUrl);
      const reminders = page.getByRole("region", { name: "Reminders to confirm" });
      await expect(reminders).toContainText("still unconfirmed 48 hours after its confirmation email gets one reminder");
      await expect(reminders.locator('[data-reminders="sent"]')).toHaveText("2");
      await expect(reminders.locator('[data-reminders="confirmedAfter"]')).toHaveText("1");
    });
  } finally {
    await server.stop();
    server.remove();
  }
});
