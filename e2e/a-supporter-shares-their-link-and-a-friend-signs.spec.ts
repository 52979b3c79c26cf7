import { expect, fillSignForm, test, uniqueName } from "./support/fixtures";
import { extractLink, uniqueEmail, waitForEmail } from "./support/mail";

test("a supporter shares their link and a friend signs through it: the supporter's page counts one", async ({ page, browser }) => {
  const supporter = { name: uniqueName("Sharer"), email: uniqueEmail("sharer"), country: "DE" };
  const friend = { name: uniqueName("Friend"), email: uniqueEmail("friend"), country: "FR" };

  await page.goto("/en");
  await fillSignForm(page, supporter);
  await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Share the letter" })).toBeVisible();

  const email = await waitForEmail(supporter.email);
  const myPage = extractLink(email.text, "/en/my?token=");

  const personalLink = await test.step("after confirming, the supporter gets a personal link with plain share links", async () => {
    await page.goto(extractLink(email.text, "/confirm?token="));
    await page.getByRole("button", { name: "Confirm my signature" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "Your personal link" })).toBeVisible();
    const link = await page.getByLabel("Your link to share").inputValue();
    expect(link).toMatch(/\/en\?ref=[a-z2-9]{10}$/);
    const shareLinks = page.getByRole("list", { name: "Share on" }).getByRole("link");
    await expect(shareLinks).toHaveCount(7);
    await expect(page.getByRole("link", { name: "Telegram" })).toHaveAttribute("href", new RegExp(`^https://t\\.me/share/url\\?url=${encodeURIComponent(link).replace(/[.?]/g, "\\$&")}`));
    return link;
  });

  await test.step("the private page from the email shows nobody yet", async () => {
    await page.goto(myPage);
    await expect(page.getByTestId("referral-count")).toHaveAttribute("data-count", "0");
  });

  await test.step("a friend opens the link, signs and confirms", async () => {
    const context = await browser.newContext();
    const friendPage = await context.newPage();
    await friendPage.goto(personalLink);
    await fillSignForm(friendPage, friend);
    await friendPage.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
    await expect(friendPage).toHaveURL(/\/en\/thanks$/);
    await friendPage.goto(extractLink((await waitForEmail(friend.email)).text, "/confirm?token="));
    await friendPage.getByRole("button", { name: "Confirm my signature" }).click();
    await expect(friendPage.getByRole("heading", { level: 2, name: "Your personal link" })).toBeVisible();
    await context.close();
  });

  await test.step("the supporter's page now counts one, and names nobody", async () => {
    await page.goto(myPage);
    await expect(page.getByTestId("referral-count")).toHaveAttribute("data-count", "1");
    await expect(page.getByTestId("referral-count")).toHaveText("1 person has signed through your link.");
    expect(await page.content()).not.toContain(friend.name);
  });

  await test.step("a malformed ref code is ignored: the signature still counts", async () => {
    const stranger = { name: uniqueName("Stranger"), email: uniqueEmail("stranger"), country: "PL" };
    await page.goto("/en?ref=%3Cscript%3E&utm_source=x");
    await fillSignForm(page, stranger);
    await page.locator("#sign").getByRole("button", { name: "Sign the letter" }).click();
    await expect(page).toHaveURL(/\/en\/thanks$/);
    await page.goto(extractLink((await waitForEmail(stranger.email)).text, "/confirm?token="));
    await page.getByRole("button", { name: "Confirm my signature" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Thank you: your signature is counted" })).toBeVisible();
  });
});
