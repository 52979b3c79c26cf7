import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, setDbForTesting, type AppDatabase } from "@/db/client";

/** A fresh database migrated by the production code, in memory or in a temp file. */
export function createTestDatabase(options: { file?: boolean } = {}): { db: AppDatabase; filePath?: string; close: () => void } {
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
