import path from "node:path";
import type Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * Applies drizzle-kit's committed migrations, in the same bookkeeping table
 * drizzle uses. Unlike drizzle's migrator it takes the write lock first
 * (BEGIN IMMEDIATE) and reads what is applied under it, so several processes
 * starting at once (build workers, app instances) cannot apply one twice.
 */
export function migrateDatabase(sqlite: Database.Database, migrationsFolder = MIGRATIONS_FOLDER): void {
  const migrations = readMigrationFiles({ migrationsFolder });
  sqlite.exec(
    "CREATE TABLE IF NOT EXISTS __drizzle_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)",
  );
  const lastApplied = () =>
    sqlite.prepare("SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1").get() as
      | { created_at: number }
      | undefined;
  const pending = () => migrations.filter((m) => !lastApplied() || Number(lastApplied()!.created_at) < m.folderMillis);
  if (pending().length === 0) return;

  sqlite.exec("BEGIN IMMEDIATE");
  try {
    const record = sqlite.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)");
    for (const migration of pending()) {
      for (const statement of migration.sql) {
        if (statement.trim()) sqlite.exec(statement);
      }
      record.run(migration.hash, migration.folderMillis);
    }
    sqlite.exec("COMMIT");
  } catch (error) {
    sqlite.exec("ROLLBACK");
    throw error;
  }
}
