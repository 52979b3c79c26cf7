// npm run db:backup -- FILE [--force]: a consistent copy of the live database
// (DATABASE_URL) while the server keeps running and taking signatures.
//
// How: SQLite's online backup API from a read-only connection, copying every
// page in one step, i.e. inside one read transaction. In WAL mode that read
// transaction is a snapshot: the server (another process) keeps committing to
// the WAL meanwhile and is never blocked; only checkpoints wait for us, so the
// -wal grows for the few seconds the copy takes. We do not copy in small steps
// (better-sqlite3's default, 100 pages per event-loop turn): each step takes a
// fresh snapshot, and a commit by another process between two steps restarts
// the backup from page 1, so against a steady stream of signatures a large
// database could restart forever. Yielding between steps would buy nothing:
// this process has nothing else to do, and the writers are not waiting on it.
//
// The copy is written to a temporary file beside FILE, switched to a
// rollback journal (one self-contained file, no -wal to carry along), checked
// with PRAGMA integrity_check, then renamed over FILE, so FILE is either absent,
// the previous backup, or a complete checked one. Exit codes: 0 ok, 1 failure,
// 2 usage. Prints counts only, never personal data.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { resolveDatabasePath } from "../db/client";

const USAGE = "usage: db:backup -- FILE [--force]   (copies the database named by DATABASE_URL to FILE)";

/** sqlite3_backup_step(N) with N this large copies all remaining pages in one step (one snapshot). */
const ALL_PAGES = 0x7fffffff;

class UsageError extends Error {}

/** The path with symlinks resolved as far as it exists, so two spellings of one file compare equal. */
function canonicalPath(filePath: string): string {
  const absolute = path.resolve(filePath);
  if (fs.existsSync(absolute)) return fs.realpathSync(absolute);
  const dir = path.dirname(absolute);
  return fs.existsSync(dir) ? path.join(fs.realpathSync(dir), path.basename(absolute)) : absolute;
}

function removeIfPresent(filePath: string): void {
  fs.rmSync(filePath, { force: true });
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename still happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
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

  const started = performance.now();
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${crypto.randomBytes(4).toString("hex")}.tmp`);
  // Read-only: a backup never migrates, checkpoints or otherwise writes the live file.
  const live = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    live.pragma("busy_timeout = 10000");
    const { totalPages } = await live.backup(temporary, { progress: () => ALL_PAGES });
    live.close();

    const copy = new Database(temporary, { fileMustExist: true });
    let signatures: number;
    try {
      copy.pragma("journal_mode = DELETE");
      copy.pragma("synchronous = FULL");
      const integrity = copy.pragma("integrity_check", { simple: true });
      if (integrity !== "ok") throw new Error(`integrity check of the copy failed: ${String(integrity)}`);
      signatures = (copy.prepare("select count(*) as n from signatures").get() as { n: number }).n;
    } finally {
      copy.close();
    }

    const bytes = fs.statSync(temporary).size;
    fs.renameSync(temporary, target);
    syncDirectory(path.dirname(target));
    const seconds = (performance.now() - started) / 1000;
    console.error(`backup ${target}: ${totalPages} pages, ${bytes} bytes, ${seconds.toFixed(2)} s, ${signatures} signatures, integrity ok`);
  } finally {
    if (live.open) live.close();
    for (const leftover of [temporary, `${temporary}-journal`, `${temporary}-wal`, `${temporary}-shm`]) removeIfPresent(leftover);
  }
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
