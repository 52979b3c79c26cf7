import path from "node:path";
import Database from "better-sqlite3";

export type UpdateTexts = Partial<Record<"en" | "ru" | "uk", { title: string; body: string }>>;

/**
 * Writes a published update into a server's database, as the update
 * authoring pages would leave it (they are another part of issue 15; until
 * they are merged this is how a journey gets an update to send). The one
 * place the e2e suite writes to a database: a single short transaction,
 * which the running server's WAL connection sees at once.
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
