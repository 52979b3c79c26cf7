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

/** Owner read/write only: the database holds signers' names and addresses. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the database's directory (0700 when new) and file with mode 0600,
 * and narrows the mode of an existing file, -wal and -shm (decision 0019).
 * SQLite gives the -wal and -shm it creates the database file's mode.
 */
function restrictDatabaseFiles(filePath: string): void {
  const absolute = path.resolve(/*turbopackIgnore: true*/ filePath);
  fs.mkdirSync(path.dirname(absolute), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(absolute, "a", PRIVATE_FILE_MODE));
  for (const file of [absolute, `${absolute}-wal`, `${absolute}-shm`]) {
    try {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another owner's file (a shared group setup) still opens; the operator hears about it.
      if (code !== "ENOENT") console.warn(`[db] could not make ${path.basename(file)} private (mode 0600): ${code ?? "error"}`);
    }
  }
}

/**
 * Opens a SQLite database, sets the pragmas every connection needs and
 * brings the schema up to date. WAL lets readers work while one writer
 * writes; synchronous=FULL fsyncs every commit so an acknowledged signature
 * survives a power loss.
 */
export function openDatabase(databaseUrl: string = DEFAULT_DATABASE_URL): AppDatabase {
  const filePath = resolveDatabasePath(databaseUrl);
  if (filePath !== ":memory:") restrictDatabaseFiles(filePath);
  const sqlite = new Database(filePath);
  sqlite.pragma("busy_timeout = 10000");
  // Deleted and overwritten content is zeroed in the page, not left in free
  // space, so an erasure leaves no copy in the file once checkpointed
  // (decision 0019; db/wal-checkpointer.ts checkpointAfterErasure).
  sqlite.pragma("secure_delete = ON");
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
