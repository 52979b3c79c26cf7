import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { PRIVATE_FILE_MODE } from "./client";

// A consistent copy of the live database while the server keeps running and
// taking signatures: `npm run db:backup` and the server's daily maintenance
// both call `backupDatabase` (decision 0019).
//
// How: SQLite's online backup API from a read-only connection, copying every
// page in one step, i.e. inside one read transaction. In WAL mode that read
// transaction is a snapshot: writers (in this or another process) keep
// committing to the WAL meanwhile and are never blocked; only checkpoints
// wait for us, so the -wal grows for the few seconds the copy takes. We do
// not copy in small steps (better-sqlite3's default, 100 pages per turn):
// each step takes a fresh snapshot, and a commit by another connection
// between two steps restarts the backup from page 1, so against a steady
// stream of signatures a large database could restart forever.
//
// The copy runs in a worker thread: one step is one synchronous call that
// takes seconds on a large database, and the server's event loop must keep
// answering meanwhile. The copy is written to a temporary file (mode 0600)
// beside the target, switched to a rollback journal (one self-contained
// file, no -wal to carry along), stripped of the day's IP-hash keys (a backup
// must not let anyone link the hashes it holds to addresses), checked with
// PRAGMA integrity_check, then renamed over the target, so the target is
// either absent, the previous backup, or a complete checked one.

const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const Database = require(workerData.driver);
const ALL_PAGES = 0x7fffffff;
async function copy() {
  const { source, temporary, mode } = workerData;
  // Created here, exclusively and private, before SQLite opens it: the copy is never readable by others.
  fs.closeSync(fs.openSync(temporary, "wx", mode));
  const live = new Database(source, { readonly: true, fileMustExist: true });
  let totalPages;
  try {
    live.pragma("busy_timeout = 10000");
    ({ totalPages } = await live.backup(temporary, { progress: () => ALL_PAGES }));
  } finally {
    live.close();
  }
  const copy = new Database(temporary, { fileMustExist: true });
  let signatures;
  try {
    copy.pragma("journal_mode = DELETE");
    copy.pragma("synchronous = FULL");
    copy.pragma("secure_delete = ON");
    const hasKeys = copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'daily_hash_keys'").get();
    if (hasKeys) copy.exec("delete from daily_hash_keys");
    const integrity = copy.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error("integrity check of the copy failed: " + String(integrity));
    signatures = copy.prepare("select count(*) as n from signatures").get().n;
  } finally {
    copy.close();
  }
  fs.chmodSync(temporary, mode);
  return { totalPages, signatures, bytes: fs.statSync(temporary).size };
}
copy().then(
  (result) => parentPort.postMessage({ ok: true, ...result }),
  (error) => parentPort.postMessage({ ok: false, message: error && error.message ? String(error.message) : "backup failed" }),
);
`;

export type BackupResult = { target: string; totalPages: number; bytes: number; signatures: number; seconds: number };

type WorkerAnswer = { ok: true; totalPages: number; bytes: number; signatures: number } | { ok: false; message: string };

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

function runCopyWorker(source: string, temporary: string): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve("better-sqlite3"), source, temporary, mode: PRIVATE_FILE_MODE },
    });
    worker.once("message", (answer: WorkerAnswer) => resolve(answer));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`backup worker exited (${code})`)));
  });
}

/**
 * Copies the database at `source` to `target` (mode 0600) without blocking
 * its writers, checked and without the IP-hash keys; replaces `target` only
 * when `force` is set. Counts only in the result, never personal data.
 */
export async function backupDatabase(options: { source: string; target: string; force?: boolean }): Promise<BackupResult> {
  const target = path.resolve(options.target);
  if (fs.existsSync(target) && !options.force) throw new Error(`${target} already exists`);
  if (!fs.existsSync(options.source)) throw new Error(`database ${options.source} does not exist`);
  const started = performance.now();
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${crypto.randomBytes(4).toString("hex")}.tmp`);
  try {
    const answer = await runCopyWorker(path.resolve(options.source), temporary);
    if (!answer.ok) throw new Error(answer.message);
    fs.renameSync(temporary, target);
    syncDirectory(path.dirname(target));
    return { target, totalPages: answer.totalPages, bytes: answer.bytes, signatures: answer.signatures, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const leftover of [temporary, `${temporary}-journal`, `${temporary}-wal`, `${temporary}-shm`]) fs.rmSync(leftover, { force: true });
  }
}
