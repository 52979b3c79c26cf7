import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { openDatabase, setDbForTesting, type AppDatabase } from "@/db/client";

export type TestDatabase = { db: AppDatabase; close: () => void };
export type TestDatabaseFile = TestDatabase & { filePath: string };

/** A fresh database migrated by the production code, in memory or in a temp file. */
export function createTestDatabase(options: { file: true }): TestDatabaseFile;
export function createTestDatabase(options?: { file?: boolean }): TestDatabase & { filePath?: string };
export function createTestDatabase(options: { file?: boolean } = {}): TestDatabase & { filePath?: string } {
  if (!options.file) {
    const db = openDatabase(":memory:");
    setDbForTesting(db);
    return { db, close: () => { setDbForTesting(undefined); db.$client.close(); } };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "undersigned-test-"));
  const filePath = path.join(dir, "test.db");
  const db = openDatabase(`file:${filePath}`);
  setDbForTesting(db);
  return {
    db,
    filePath,
    close: () => {
      setDbForTesting(undefined);
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Gives every test of the enclosing `describe` (or file) a fresh database,
 * closed after the test: `take` receives it before each one, to keep what
 * the test reads (`useTestDatabase((opened) => ({ db } = opened))`).
 */
export function useTestDatabase(take: (opened: TestDatabaseFile) => void, options: { file: true }): void;
export function useTestDatabase(take: (opened: TestDatabase) => void, options?: { file?: false }): void;
export function useTestDatabase(take: (opened: TestDatabaseFile) => void, options: { file?: boolean } = {}): void {
  let close: (() => void) | undefined;
  beforeEach(() => {
    const opened = createTestDatabase(options) as TestDatabaseFile;
    close = opened.close;
    take(opened);
  });
  afterEach(() => {
    close?.();
    close = undefined;
  });
}
