import path from "node:path";
import Database from "better-sqlite3";

/**
 * Reads the test server's database read-only, for facts no public page
 * shows (how many rows an address made). Never writes.
 */
export function countSignatureRows(emailKey: string): number {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: run the tests with `npx playwright test`");
  const db = new Database(path.join(dataDir, "e2e.db"), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("select count(*) as n from signatures where email_key = ?").get(emailKey) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The keyed IP hash stored with an address's signature (null when none was stored), read-only like countSignatureRows. */
export function readIpHash(emailKey: string): string | null {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set: run the tests with `npx playwright test`");
  const db = new Database(path.join(dataDir, "e2e.db"), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("select ip_hash as ipHash from signatures where email_key = ?").get(emailKey) as { ipHash: string | null } | undefined;
    if (!row) throw new Error(`no signature for ${emailKey}`);
    return row.ipHash;
  } finally {
    db.close();
  }
}
