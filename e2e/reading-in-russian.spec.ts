import fs from "node:fs";
import path from "node:path";
import { expect, readTotal, test, uniqueName } from "./support/fixtures";
import { uniqueEmail, waitForEmail } from "./support/mail";

test.use({ locale: "ru-RU", extraHTTPHeaders: { "Accept-Language": "ru-RU,ru;q=0.9" } });

type Messages = { Count: { signatures: string }; Site: { language: string } };
const ru = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "messages", "ru.json"), "utf8")) as Messages;

/** What the count should read for `total`, from the plural rule of Russian and messages/ru.json. */
function russianCount(total: number): string {
  const category = new Intl.PluralRules("ru").select(total);
  const forms = Object.fromEntries(
    [...ru.Count.signatures.matchAll(/(zero|one|two|few|many|other) \{([^}]*)\}/g)].map((match) => [match[1], match[2]]),
  );
  const template = forms[category] ?? forms.other;
  if (!template) throw new Error(`No plural form for ${category} in ${ru.Count.signatures}`);
  return template.replace("#", new Intl.NumberFormat("ru").format(total));
}

test("a Russian reader is sent to /ru and reads the page in Russian", async ({ page, request }) => {
  await test.step("/ redirects to /ru", async () => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/ru$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  });

  await test.step("the demands and the note about the English translation are in Russian", async () => {
    const demands = page.getByRole("region", { name: "Пять требований" });
    await expect(demands.getByRole("listitem")).toHaveCount(5);
    await expect(demands.getByRole("heading", { level: 3, name: "Всех на всех" })).toBeVisible();
    await expect(page.getByText("На этом языке письмо здесь пока не опубликовано. Ниже приведён опубликованный английский перевод.")).toBeVisible();
  });

  await test.step("the sign form is labelled in Russian", async () => {
    const form = page.locator("#sign");
    await expect(form.getByLabel("Имя и фамилия", { exact: true })).toBeVisible();
    await expect(form.getByLabel("Электронная почта", { exact: true })).toBeVisible();
    await expect(form.getByLabel("Страна", { exact: true })).toBeVisible();
    await expect(form.getByLabel("Город (необязательно)", { exact: true })).toBeVisible();
    await expect(form.getByLabel("Показывать моё имя в публичном списке подписавших")).toBeVisible();
    await expect(form.getByRole("checkbox", { name: /политику конфиденциальности/ })).toBeVisible();
    await expect(form.getByRole("button", { name: "Подписать письмо" })).toBeVisible();
  });

  await test.step("the count uses the Russian plural form", async () => {
    const total = await readTotal(request);
    const count = page.getByTestId("signature-count");
    await expect(count).toHaveAttribute("data-total", String(total));
    await expect(count).toContainText("подпис");
    await expect(count).toHaveText(russianCount(total));
  });

  await test.step("the language switcher links to English and Ukrainian, and English works", async () => {
    const switcher = page.getByRole("navigation", { name: ru.Site.language });
    await expect(switcher.getByRole("link", { name: "English" })).toHaveAttribute("href", "/en");
    await expect(switcher.getByRole("link", { name: "Українська" })).toHaveAttribute("href", "/uk");
    await switcher.getByRole("link", { name: "English" }).click();
    await expect(page).toHaveURL(/\/en$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 3, name: "All for all" })).toBeVisible();
  });
});

test("a supporter who signs on /ru gets the confirmation email in Russian", async ({ page }) => {
  const email = uniqueEmail("ru");
  const name = uniqueName("Иван");
  await page.goto("/ru");
  const form = page.locator("#sign");
  await form.getByLabel("Имя и фамилия", { exact: true }).fill(name);
  await form.getByLabel("Электронная почта", { exact: true }).fill(email);
  await form.getByLabel("Страна", { exact: true }).selectOption("LT");
  await form.getByRole("checkbox", { name: /политику конфиденциальности/ }).check();
  await form.getByRole("button", { name: "Подписать письмо" }).click();
  await expect(page).toHaveURL(/\/ru\/thanks$/);
  await expect(page.getByRole("heading", { level: 1, name: "Проверьте почту" })).toBeVisible();

  const message = await waitForEmail(email);
  expect(message.subject).toBe("Подтвердите адрес электронной почты");
  expect(message.text).toContain("/ru/confirm?token=");
});
