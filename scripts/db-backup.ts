// npm run db:backup -- FILE [--force]: a consistent copy of the live database
// (DATABASE_URL) while the server keeps running and taking signatures, made
// by the same code as the server's daily backups (db/backup.ts, which says
// how; decision 0019): mode 0600, integrity-checked, without the IP-hash keys.
// Exit codes: 0 ok, 1 failure, 2 usage. Prints counts only, never personal data.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { backupDatabase } from "../db/backup";
import { resolveDatabasePath } from "../db/client";

const USAGE = "usage: db:backup -- FILE [--force]   (copies the database named by DATABASE_URL to FILE)";

class UsageError extends Error {}

/** The path with symlinks resolved as far as it exists, so two spellings of one file compare equal. */
function canonicalPath(filePath: string): string {
  const absolute = path.resolve(filePath);
  if (fs.existsSync(absolute)) return fs.realpathSync(absolute);
  const dir = path.dirname(absolute);
  return fs.existsSync(dir) ? path.join(fs.realpathSync(dir), path.basename(absolute)) : absolute;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { force: { type: "boolean", default: false } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError("give exactly one FILE to write the backup to");
  const target = path.resolve(positionals[0]);

  const databaseUrl = process.env.DATABASE_URL || "file:./data/app.db";
  const livePath = resolveDatabasePath(databaseUrl);
  if (livePath === ":memory:") throw new Error("DATABASE_URL is an in-memory database: nothing to back up");
  const liveCanonical = canonicalPath(livePath);
  const targetCanonical = canonicalPath(target);
  if ([liveCanonical, `${liveCanonical}-wal`, `${liveCanonical}-shm`, `${liveCanonical}-journal`].includes(targetCanonical)) {
    throw new UsageError(`${target} is the live database: choose another FILE`);
  }
  if (fs.existsSync(target) && !values.force) throw new UsageError(`${target} already exists: add --force to replace it`);
  if (!fs.existsSync(path.dirname(target))) throw new Error(`directory ${path.dirname(target)} does not exist`);
  if (!fs.existsSync(livePath)) throw new Error(`database ${livePath} does not exist`);

  const result = await backupDatabase({ source: livePath, target, force: values.force });
  console.error(
    `backup ${result.target}: ${result.totalPages} pages, ${result.bytes} bytes, ${result.seconds.toFixed(2)} s, ${result.signatures} signatures, integrity ok`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
