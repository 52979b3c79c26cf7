import { confirmByLink, expect, readTotal, signOnLetterPage, test, uniqueName } from "./support/fixtures";
import { extractLink, listEmails, uniqueEmail, waitForEmail, waitForEmails } from "./support/mail";

const CONFIRM_SUBJECT = "Please confirm your email address";
const ALREADY_SUBJECT = "You have already signed";

test("a confirmed supporter who signs again is told so by email and still counted once", async ({ page, request }) => {
  const before = await readTotal(request);
  const name = uniqueName("Sam");
  const email = uniqueEmail("twice");
  const [local, domain] = email.split("@") as [string, string];

  await test.step("they sign and confirm", async () => {
    await signOnLetterPage(page, { name, email });
    const confirmation = await waitForEmail(email, (message) => message.subject === CONFIRM_SUBJECT);
    await confirmByLink(page, extractLink(confirmation.text, "/en/confirm?token="));
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
  });

  await test.step("signing again with the address in upper case looks the same as the first time", async () => {
    await signOnLetterPage(page, { name, email: `${local}@${domain.toUpperCase()}` });
    const [already] = await waitForEmails(email, { count: 1, predicate: (message) => message.subject === ALREADY_SUBJECT });
    expect(already!.text).toContain(`Hello ${name},`);
    expect(already!.text).not.toContain("/confirm?token=");
  });

  await test.step("signing again with a +tag variant looks the same too", async () => {
    await signOnLetterPage(page, { name: uniqueName("Other"), email: `${local}+again@${domain}` });
    const already = await waitForEmails(email, { count: 2, predicate: (message) => message.subject === ALREADY_SUBJECT });
    expect(already).toHaveLength(2);
  });

  await test.step("the total rose by exactly one overall", async () => {
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
    const confirmations = (await listEmails(email)).filter((message) => message.subject === CONFIRM_SUBJECT);
    expect(confirmations).toHaveLength(1);
  });
});

test("a supporter who signs twice before confirming gets the link again, and either link confirms the one signature", async ({
  page,
  context,
  request,
}) => {
  const before = await readTotal(request);
  const email = uniqueEmail("pending-twice");
  const name = uniqueName("Kim");

  await signOnLetterPage(page, { name, email });
  await waitForEmails(email, { count: 1, predicate: (message) => message.subject === CONFIRM_SUBJECT });
  await signOnLetterPage(page, { name, email });
  const confirmations = await waitForEmails(email, { count: 2, predicate: (message) => message.subject === CONFIRM_SUBJECT });
  expect(confirmations).toHaveLength(2);
  const [firstLink, secondLink] = confirmations.map((message) => extractLink(message.text, "/en/confirm?token=")) as [string, string];
  expect(secondLink).not.toBe(firstLink);

  await test.step("both links open a page with the button, and nothing is counted yet", async () => {
    await page.goto(firstLink);
    await expect(page.getByRole("button", { name: "Confirm my signature" })).toBeVisible();
    const second = await context.newPage();
    await second.goto(secondLink);
    await expect(second.getByRole("button", { name: "Confirm my signature" })).toBeVisible();
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before);

    await test.step("pressing the button of the newer link confirms", async () => {
      await second.getByRole("button", { name: "Confirm my signature" }).click();
      await expect(second.getByRole("heading", { level: 1, name: "Thank you: your signature is counted" })).toBeVisible();
      await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
    });

    await test.step("pressing the button of the older link is harmless", async () => {
      await page.getByRole("button", { name: "Confirm my signature" }).click();
      await expect(page).toHaveURL(/\/en\/confirmed(\?token=[\w-]+)?$/);
      await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
    });
    await second.close();
  });

  await test.step("both links now say “Already confirmed”", async () => {
    for (const link of [firstLink, secondLink]) {
      await page.goto(link);
      await expect(page.getByRole("heading", { level: 1, name: "Already confirmed" })).toBeVisible();
    }
    await expect.poll(() => readTotal(request), { message: "the public total (/api/v1/stats is up to 1 s old)" }).toBe(before + 1);
  });
});
