import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema";
import { migrateDatabase } from "./migrate";

export type AppDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The handle a `db.transaction(tx => …)` callback receives. */
export type Transaction = Parameters<Parameters<AppDatabase["transaction"]>[0]>[0];

const DEFAULT_DATABASE_URL = "file:./data/app.db";

/** `file:./data/app.db` → `./data/app.db`; `:memory:` and `file::memory:` stay in memory. */
export function resolveDatabasePath(databaseUrl: string): string {
  if (databaseUrl === ":memory:" || databaseUrl === "file::memory:") return ":memory:";
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a file: URL for SQLite (got a ${databaseUrl.split(":")[0]}: URL)`);
  }
  const filePath = databaseUrl.slice("file:".length).replace(/^\/\/(?=\/)/, "");
  if (!filePath) throw new Error("DATABASE_URL has no file path");
  return filePath;
}

/**
 * Opens a SQLite database, sets the pragmas every connection needs and
 * brings the schema up to date. WAL lets readers work while one writer
 * writes; synchronous=FULL fsyncs every commit so an acknowledged signature
 * survives a power loss.
 */
export function openDatabase(databaseUrl: string = DEFAULT_DATABASE_URL): AppDatabase {
  const filePath = resolveDatabasePath(databaseUrl);
  if (filePath !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(/*turbopackIgnore: true*/ filePath)), { recursive: true });
  const sqlite = new Database(filePath);
  sqlite.pragma("busy_timeout = 10000");
  if (filePath !== ":memory:") sqlite.pragma("journal_mode = WAL");
  // After a checkpoint the WAL is cut back to this size, so a burst does not leave a huge file behind.
  sqlite.pragma("journal_size_limit = 67108864");
  sqlite.pragma("synchronous = FULL");
  // Savepoints journal the pages they touch; past 64 KB that journal went to
  // a temp file, and the group commit's savepoint per signature made it the
  // busiest file of the process (decision 0013). In memory it costs a copy.
  sqlite.pragma("temp_store = MEMORY");
  sqlite.pragma("foreign_keys = ON");
  migrateDatabase(sqlite);
  return drizzle({ client: sqlite, schema }) as AppDatabase;
}

/**
 * Opens a second, read-only connection for long reads (exports): an open
 * `iterate()` blocks writes on its own connection, not on another one.
 */
export function openReadOnlyDatabase(databaseUrl: string = DEFAULT_DATABASE_URL): AppDatabase {
  const filePath = resolveDatabasePath(databaseUrl);
  const sqlite = new Database(filePath, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 10000");
  return drizzle({ client: sqlite, schema }) as AppDatabase;
}

const globalForDb = globalThis as unknown as { undersignedDb?: AppDatabase };

/** The process-wide connection, opened (and migrated) on first use. */
export function getDb(): AppDatabase {
  if (!globalForDb.undersignedDb) {
    globalForDb.undersignedDb = openDatabase(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  }
  return globalForDb.undersignedDb;
}

/** Replaces the process-wide connection (tests use a fresh database each). */
export function setDbForTesting(db: AppDatabase | undefined): void {
  globalForDb.undersignedDb = db;
}

export { schema };
