import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";
import Database from "better-sqlite3";
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

export type UpdateTexts = Partial<Record<"en" | "ru" | "uk", { title: string; body: string }>>;

/**
 * Writes a published update straight into a server's database, as the
 * update authoring pages would leave it: for a server of a test's own that
 * is seeded before it starts (the kill -9 mailing). Journeys on the shared
 * stack write updates through the admin area (saveNewUpdate, publishOpenUpdate).
 */
export function createPublishedUpdate(options: { slug: string; texts: UpdateTexts; databasePath?: string }): number {
  const databasePath = options.databasePath ?? e2eDatabasePath();
  const db = new Database(databasePath, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    return db.transaction(() => {
      const now = Date.now();
      const { lastInsertRowid } = db
        .prepare("insert into updates (slug, kind, state, created_at, updated_at, published_at) values (?, 'news', 'published', ?, ?, ?)")
        .run(options.slug, now, now, now);
      const insertText = db.prepare("insert into update_texts (update_id, locale, title, body) values (?, ?, ?, ?)");
      for (const [locale, text] of Object.entries(options.texts)) insertText.run(lastInsertRowid, locale, text.title, text.body);
      return Number(lastInsertRowid);
    })();
  } finally {
    db.close();
  }
}

function e2eDatabasePath(): string {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: run the tests with `npx playwright test`");
  return path.join(dataDir, "e2e.db");
}
