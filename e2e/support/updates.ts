import { expect, type Browser, type Page } from "@playwright/test";
import { signInAs } from "./organizers";

export type UpdateDraft = {
  kind?: "news" | "delivery" | "authorChange" | "hearing";
  /** Texts by locale (at least one). */
  texts: Partial<Record<"en" | "ru" | "uk", { title: string; body: string }>>;
  institution?: string;
  eventOn?: string;
  /** The author's name as the select shows it. */
  author?: string;
  /** The change as the select shows it ("Released", …). */
  authorChange?: string;
};

const LANGUAGE_NAMES = { en: "English", ru: "Russian", uk: "Ukrainian" } as const;

/** The editor's fieldset for one language (its legend is "Text in Russian"). */
export function languageGroup(page: Page, locale: keyof typeof LANGUAGE_NAMES) {
  return page.getByRole("group", { name: `Text in ${LANGUAGE_NAMES[locale]}` });
}

/** Fills the English-language update editor (by its labels). */
export async function fillUpdateEditor(page: Page, update: UpdateDraft): Promise<void> {
  if (update.kind) await page.getByLabel("Kind", { exact: true }).selectOption(update.kind);
  if (update.institution) await page.getByLabel("Institution or court").fill(update.institution);
  if (update.eventOn) await page.getByLabel("Date", { exact: true }).fill(update.eventOn);
  if (update.author) await page.getByLabel("Author", { exact: true }).selectOption({ label: update.author });
  if (update.authorChange) await page.getByLabel("What happened").selectOption({ label: update.authorChange });
  for (const [locale, text] of Object.entries(update.texts) as [keyof typeof LANGUAGE_NAMES, { title: string; body: string }][]) {
    const group = languageGroup(page, locale);
    await group.getByLabel("Title").fill(text.title);
    await group.getByLabel("Text", { exact: true }).fill(text.body);
  }
}

/** Saves a new draft from /admin/updates/new and returns its id (the page is then the update's admin page). */
export async function saveNewUpdate(page: Page, update: UpdateDraft): Promise<number> {
  await page.goto("/admin/updates/new");
  await fillUpdateEditor(page, update);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/admin\/updates\/\d+\?done=saved$/);
  return Number(/\/admin\/updates\/(\d+)/.exec(page.url())![1]);
}

/** Publishes the update whose admin page is open; returns its public path in English (`/en/updates/<slug>`). */
export async function publishOpenUpdate(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Publish" }).click();
  const status = page.getByRole("status").filter({ hasText: "Published. Readers find it at" });
  await expect(status).toBeVisible();
  const url = /(https?:\/\/\S+?\/updates\/[a-z0-9-]+)/.exec((await status.textContent()) ?? "")![1]!;
  return new URL(url).pathname;
}

/**
 * An admin writes and publishes an update through the admin area, in a
 * browser context of its own; returns the update's public path in English.
 */
export async function publishUpdateThroughAdmin(browser: Browser, baseURL: string, update: UpdateDraft): Promise<string> {
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await signInAs(page, "admin");
    await saveNewUpdate(page, update);
    return await publishOpenUpdate(page);
  } finally {
    await context.close();
  }
}
