import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import { openDatabase, setDbForTesting, type AppDatabase } from "@/db/client";
import { resetConfigForTesting } from "@/server/config";

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
 * the test reads (`setUpTestDatabase((opened) => ({ db } = opened))`).
 */
export function setUpTestDatabase(take: (opened: TestDatabaseFile) => void, options: { file: true }): void;
export function setUpTestDatabase(take: (opened: TestDatabase) => void, options?: { file?: false }): void;
export function setUpTestDatabase(take: (opened: TestDatabaseFile) => void, options: { file?: boolean } = {}): void {
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

/**
 * One database for every case of a property run of thousands of submissions
 * from one client: the sign rate limits (decision 0011, tested in
 * server/abuse/check-sign-limits.test.ts) are raised out of the way so the
 * property is about input handling only.
 */
export function setUpDatabaseWithoutSignLimits(take: (opened: TestDatabase) => void): void {
  let close: (() => void) | undefined;
  beforeAll(() => {
    vi.stubEnv("SIGN_RATE_LIMIT_SCALE", "100000");
    resetConfigForTesting();
    const opened = createTestDatabase();
    close = opened.close;
    take(opened);
  });
  afterAll(() => {
    close?.();
    close = undefined;
    vi.unstubAllEnvs();
    resetConfigForTesting();
  });
}
