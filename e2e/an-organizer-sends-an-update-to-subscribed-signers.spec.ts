import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { extractLink, listEmails, listRefusals, refuseMailTo, uniqueEmail, waitForEmail, waitForEmails, type CaughtEmail } from "./support/mail";
import { ORGANIZERS, signInAs } from "./support/organizers";
import { solveProofOfWork } from "./support/proof-of-work";
import { publishOpenUpdate, saveNewUpdate } from "./support/updates";

// Issue 15, items 3-5 (decision 0022), through the production server and a
// real SMTP server: an organizer tests an update on themselves and sends
// it; an opted-in signer gets it in their language with both
// List-Unsubscribe headers and leaves with one cookie-less POST; a signer
// who did not opt in gets nothing; a mailbox that answers 550 gets nothing
// more.

test.describe.configure({ mode: "serial", timeout: 120_000 });

const TEXTS = (tag: string) => ({
  en: { title: `The letter reached the Bundestag ${tag}`, body: `We handed it over **today**. ${tag}` },
  ru: { title: `Письмо передано в Бундестаг ${tag}`, body: `Мы передали его **сегодня**. ${tag}` },
});

/** Signs through the public API (as a script or app would) and confirms through the link in the email. */
async function signAndConfirm(request: APIRequestContext, signer: { email: string; locale: "en" | "ru"; wantsUpdates: boolean }) {
  const response = await request.post("/api/v1/signatures", {
    data: {
      name: "Mail Tester",
      email: signer.email,
      country: "DE",
      acceptPrivacy: true,
      locale: signer.locale,
      wantsUpdates: signer.wantsUpdates,
      altcha: await solveProofOfWork(request),
    },
  });
  expect(response.status()).toBe(202);
  const confirmation = await waitForEmail(signer.email);
  const token = new URL(extractLink(confirmation.text, "/confirm?token=")).searchParams.get("token");
  expect((await request.post("/api/v1/confirmations", { data: { token } })).status()).toBe(200);
  return { myLink: extractLink(confirmation.text, "/my?token=") };
}

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`), `axe on ${what}`).toEqual([]);
}

const isUpdate = (tag: string) => (email: CaughtEmail) => email.text.includes(tag);

test("an organizer tests an update on themselves, sends it, and each signer gets what they asked for", async ({ page, request, playwright }) => {
  const run = randomBytes(3).toString("hex");
  const russian = uniqueEmail("ru-subscriber");
  const silent = uniqueEmail("not-subscribed");
  const gone = uniqueEmail("bounce");
  const staying = uniqueEmail("en-subscriber");
  const russianSigner = await signAndConfirm(request, { email: russian, locale: "ru", wantsUpdates: true });
  await signAndConfirm(request, { email: silent, locale: "en", wantsUpdates: false });
  await signAndConfirm(request, { email: gone, locale: "en", wantsUpdates: true });
  await signAndConfirm(request, { email: staying, locale: "en", wantsUpdates: true });
  // The mailbox disappears after the signature was confirmed.
  await refuseMailTo(gone);

  const firstTag = `first-${run}`;
  // The organizer writes the update in English and Russian and publishes it (its preview has its own journey).
  await signInAs(page, "admin");
  const updateId = await saveNewUpdate(page, { texts: TEXTS(firstTag) });
  await publishOpenUpdate(page);
  await page.getByRole("link", { name: "Send to subscribers" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/updates/${updateId}/send$`));
  await expect(page.getByRole("heading", { level: 1, name: "Send the update by email" })).toBeVisible();
  await expectNoAxeViolations(page, "the page that sends an update");

  // 1. A test to the organizer's own address, in Russian, headers and all.
  await page.getByLabel("Language").selectOption("ru");
  await page.getByRole("button", { name: "Send the test" }).click();
  await expect(page.getByRole("status")).toContainText(`Test sent to ${ORGANIZERS.admin.email}`);
  const testEmail = await waitForEmail(ORGANIZERS.admin.email, isUpdate(firstTag));
  expect(testEmail.subject).toBe("[Тест] Новости от Undersigned");
  expect(testEmail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  expect(await listEmails(russian)).toHaveLength(1); // only the confirmation so far

  // 2. Prepare: the exact number of recipients. 3. Confirm.
  await page.getByRole("button", { name: /^Prepare the mailing to \d+ signers?$/ }).click();
  const exact = page.getByTestId("exact-recipients");
  await expect(exact).toBeVisible();
  const recipients = Number(await exact.getAttribute("data-count"));
  expect(recipients).toBeGreaterThanOrEqual(3);
  await page.getByLabel(`I have read the test email and want to send this update to ${recipients} signers.`).check();
  await page.getByRole("button", { name: `Send to ${recipients} signers` }).click();
  await expect(page.getByRole("status")).toContainText("Confirmed: sending.");
  // The page refreshes itself (a meta refresh, no script) until the mailing is done.
  await expect(page.getByTestId("mailing-state")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(page.getByTestId("mailing-remaining")).toHaveText("0");
  await expectNoAxeViolations(page, "a finished mailing's progress");
  await expect(page.getByTestId("mailing-failed")).not.toHaveText("0");

  // The Russian signer got it once, in Russian, with both headers.
  const [received] = await waitForEmails(russian, { count: 1, predicate: isUpdate(firstTag) });
  expect(received!.subject).toBe("Новости от Undersigned");
  expect(received!.text).toContain(`Письмо передано в Бундестаг ${firstTag}`);
  expect(received!.html).toContain("<strong>сегодня</strong>");
  expect(received!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  const oneClick = /^<(https?:\/\/[^>]+\/api\/v1\/unsubscribe\?locale=ru&token=[\w-]+)>$/.exec(received!.headers["list-unsubscribe"] ?? "")?.[1];
  expect(oneClick, received!.headers["list-unsubscribe"]).toBeTruthy();
  // The signer who did not opt in got nothing but their confirmation; the refused mailbox was tried once.
  expect((await listEmails(silent)).filter(isUpdate(firstTag))).toEqual([]);
  expect(await listRefusals(gone)).toHaveLength(1);

  // The unsubscribe page a person opens: one button, and withdrawing offered; opening it changes nothing.
  const pageLink = extractLink(received!.text, "/unsubscribe?token=");
  await page.goto(pageLink);
  await expect(page.getByRole("heading", { level: 1, name: "Отписаться от новостей кампании" })).toBeVisible();
  await expect(page.locator("main").getByRole("button")).toHaveCount(1);
  await expect(page.getByRole("link", { name: "Отозвать мою подпись" })).toHaveAttribute("href", /\/ru\/withdraw\?token=/);
  await expectNoAxeViolations(page, "the unsubscribe page");
  // An unknown or malformed token gets the very same page.
  const mainText = await page.locator("main").innerText();
  for (const bad of ["?token=" + "A".repeat(52), "?token=%3Cx%3E", ""]) {
    await page.goto(`/ru/unsubscribe${bad}`);
    expect(await page.locator("main").innerText()).toBe(mainText);
  }

  // A mail provider's one-click POST: no cookies, the RFC 8058 body, a 2xx at once. Without the body: 400.
  const provider = await playwright.request.newContext();
  try {
    expect((await provider.post(oneClick!, { headers: { "content-type": "application/x-www-form-urlencoded" }, data: "" })).status()).toBe(400);
    const unsubscribed = await provider.post(oneClick!, { headers: { "content-type": "application/x-www-form-urlencoded" }, data: "List-Unsubscribe=One-Click" });
    expect(unsubscribed.status()).toBe(200);
    expect((await provider.storageState()).cookies).toEqual([]);
  } finally {
    await provider.dispose();
  }

  // The next update: not to the unsubscribed signer, and not to the refused address (not even tried).
  const secondTag = `second-${run}`;
  const nextId = await saveNewUpdate(page, { texts: TEXTS(secondTag) });
  await publishOpenUpdate(page);
  await page.goto(`/admin/updates/${nextId}/send`);
  await expect(page.getByTestId("audience-undeliverable")).not.toHaveText("0");
  await page.getByRole("button", { name: /^Prepare the mailing to \d+ signers?$/ }).click();
  const nextCount = Number(await page.getByTestId("exact-recipients").getAttribute("data-count"));
  expect(nextCount).toBe(recipients - 2);
  await page.getByLabel(/^I have read the test email/).check();
  await page.getByRole("button", { name: /^Send to \d+ signers?$/ }).click();
  await expect(page.getByTestId("mailing-state")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  const [english] = await waitForEmails(staying, { count: 1, predicate: isUpdate(secondTag) });
  expect(english!.subject).toBe("News from Undersigned");
  expect((await listEmails(staying)).filter(isUpdate(firstTag))).toHaveLength(1);
  expect((await listEmails(russian)).filter(isUpdate(secondTag))).toEqual([]);
  expect(await listRefusals(gone)).toHaveLength(1);
  expect((await listEmails(silent)).filter(isUpdate(secondTag))).toEqual([]);

  // On their private page the signer sees updates off, and can turn them on again (a plain form).
  await page.goto(russianSigner.myLink);
  await expect(page.getByTestId("updates-state")).toHaveAttribute("data-wants-updates", "false");
  await page.getByRole("button", { name: "Присылать мне новости" }).click();
  await expect(page.getByTestId("updates-state")).toHaveAttribute("data-wants-updates", "true");
});
